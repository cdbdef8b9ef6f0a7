package dev.sessionkit.spring;

import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import dev.sessionkit.SessionStores;
import dev.sessionkit.memory.CaffeineSessionStore;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The fallback store: whatever the settings select, opened through the core's
 * {@link SessionStores} (the in-memory store when no database is configured). It runs after
 * {@link SessionkitPostgresStoreAutoConfiguration} and backs off when a store bean exists.
 *
 * <p>Going through {@link SessionStores} rather than building the memory store directly means a
 * selection the class path cannot honour (a database URL without {@code session-postgres}, production
 * without a database) fails start-up with the core's message instead of falling back to memory
 * silently.
 */
@AutoConfiguration(after = SessionkitPostgresStoreAutoConfiguration.class, before = SessionkitAutoConfiguration.class)
@ConditionalOnClass(CaffeineSessionStore.class)
public final class SessionkitMemoryStoreAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(SessionStore.class)
    SessionStore sessionkitStore(SessionSettings settings, SessionkitProperties properties, Environment environment,
            ObjectProvider<Clock> clocks) {
        return SessionStores.open(settings, SettingsMapping.storeEnvironment(properties, environment), Clocks.of(clocks));
    }
}
