package dev.sessionkit.spring;

import dev.sessionkit.SessionStore;
import dev.sessionkit.postgres.PostgresSessionStore;
import dev.sessionkit.postgres.PostgresStoreSettings;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jooq.JooqAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * The PostgreSQL store, when the environment selects it ({@code sessionkit.store=postgres}, or
 * {@code auto} with a database URL or a PostgreSQL {@code spring.datasource.url}).
 *
 * <p>It runs after Boot's DataSource and jOOQ auto-configuration and reuses the application's
 * single {@link DataSource} when there is one, so the database never gets a second pool; only an
 * application without a DataSource gets the store's own pool, opened from {@code DATABASE_URL}.
 */
@AutoConfiguration(after = { DataSourceAutoConfiguration.class, JooqAutoConfiguration.class },
        before = { SessionkitMemoryStoreAutoConfiguration.class, SessionkitAutoConfiguration.class })
@ConditionalOnClass(PostgresSessionStore.class)
@Conditional(OnPostgresStoreCondition.class)
public final class SessionkitPostgresStoreAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SessionkitPostgresStoreAutoConfiguration.class);

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(SessionStore.class)
    SessionStore sessionkitPostgresStore(SessionkitProperties properties, Environment environment,
            ObjectProvider<DataSource> dataSources, ObjectProvider<Clock> clocks) {
        PostgresStoreSettings settings = PostgresStoreSettings.fromEnvironment(
                SettingsMapping.storeEnvironment(properties, environment));
        StoreSelection selection = StoreSelection.of(environment);
        PostgresSessionStore.Builder builder = PostgresSessionStore.builder().settings(settings).clock(Clocks.of(clocks));
        DataSource dataSource = dataSources.getIfUnique();
        if (dataSource != null) {
            builder.dataSource(dataSource);
            LOG.info("sessionkit: using the postgres session store on the application's DataSource{}",
                    settings.databaseUrl() != null ? " (DATABASE_URL is not used to open a second pool)" : "");
        } else {
            LOG.info("sessionkit: using the postgres session store with its own pool ({})", selection.reason());
        }
        return builder.build();
    }
}
