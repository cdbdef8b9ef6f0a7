package dev.sessionkit.memory;

import dev.sessionkit.SessionStore;
import dev.sessionkit.StoreContext;
import dev.sessionkit.StoreProvider;
import dev.sessionkit.StoreSetting;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code memory} store provider, registered for {@link java.util.ServiceLoader} in
 * {@code META-INF/services/dev.sessionkit.StoreProvider}. It recognises nothing:
 * {@code SESSION_STORE=auto} falls back to it when no other store claims the environment.
 * Public only because {@code ServiceLoader} needs it to be; applications do not call it.
 */
public final class MemoryStoreProvider implements StoreProvider {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryStoreProvider.class);

    /** Called by {@link java.util.ServiceLoader}. */
    public MemoryStoreProvider() {
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public List<StoreSetting> settings() {
        return MemoryStoreSettings.SETTINGS;
    }

    @Override
    public SessionStore open(StoreContext context) {
        Objects.requireNonNull(context, "context");
        MemoryStoreSettings settings = MemoryStoreSettings.fromEnvironment(context.environment());
        CaffeineSessionStore store = CaffeineSessionStore.create(settings, context.clock());
        LOG.info("sessionkit: memory session store opened, at most {} anonymous sessions; sessions live in this JVM"
                + " only and are lost on restart", settings.maxSessions());
        if (context.settings().isProduction()) {
            LOG.warn("sessionkit: APP_ENV=production on the memory session store (SESSION_STORE=memory): sessions are"
                    + " not shared with other instances, do not survive a restart or deploy, and are held in this JVM's"
                    + " heap, at most {} anonymous ones (SESSION_MEMORY_MAX_SESSIONS) with signed-in ones kept beside"
                    + " them. Use the postgres store (DATABASE_URL) for more than one instance.", settings.maxSessions());
        }
        return store;
    }
}
