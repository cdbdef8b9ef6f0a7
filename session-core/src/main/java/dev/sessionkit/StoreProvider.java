package dev.sessionkit;

import java.time.Clock;

/**
 * Creates a {@link SessionStore} from settings. Found with {@link java.util.ServiceLoader}: a
 * store module lists its provider in {@code META-INF/services/dev.sessionkit.StoreProvider}, and
 * {@link SessionStores#open(SessionSettings, Clock)} picks one by {@link SessionSettings#store()}.
 */
public interface StoreProvider {

    /** The kind of store this provider makes. */
    StoreKind kind();

    /**
     * Opens a store. The caller owns it and closes it.
     *
     * @throws SessionConfigurationException when the settings do not suit this store
     * @throws StoreUnavailableException when the backend cannot be reached at start-up
     */
    SessionStore open(SessionSettings settings, Clock clock);
}
