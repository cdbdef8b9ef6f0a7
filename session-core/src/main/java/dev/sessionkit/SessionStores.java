package dev.sessionkit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the store that settings select, through the {@link StoreProvider}s on the class path. */
public final class SessionStores {

    private static final Logger LOG = LoggerFactory.getLogger(SessionStores.class);

    private SessionStores() {
    }

    /**
     * Opens the store {@link SessionSettings#resolvedStore()} names and logs one INFO line saying
     * which and why.
     *
     * @throws SessionConfigurationException when no provider for that store is on the class path
     *     or the provider rejects the settings
     * @throws StoreUnavailableException when the store cannot be reached
     */
    public static SessionStore open(SessionSettings settings, Clock clock) {
        StoreKind kind = settings.resolvedStore();
        List<StoreProvider> providers = new ArrayList<>();
        // the context class loader first, so containers and tests decide what is visible
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        ServiceLoader.load(StoreProvider.class, loader != null ? loader : SessionStores.class.getClassLoader())
                .forEach(providers::add);
        for (StoreProvider provider : providers) {
            if (provider.kind() == kind) {
                SessionStore store = provider.open(settings, clock);
                LOG.info("sessionkit: using the {} session store ({})", store.name(), settings.storeReason());
                return store;
            }
        }
        String module = kind == StoreKind.JDBC ? "session-postgres" : "session-memory";
        throw new SessionConfigurationException(SessionSettings.SESSION_STORE, "the "
                + kind.name().toLowerCase(Locale.ROOT) + " store was selected (" + settings.storeReason()
                + ") but no provider for it is on the class path: add the dev.sessionkit:" + module + " dependency");
    }
}
