package dev.sessionkit.postgres;

import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import dev.sessionkit.StoreKind;
import dev.sessionkit.StoreProvider;
import java.time.Clock;

/**
 * Opens a {@link PostgresSessionStore} from settings; registered for {@link java.util.ServiceLoader}
 * as the {@link StoreKind#JDBC} provider, so {@code SESSION_STORE=jdbc}, or {@code auto} with
 * {@code DATABASE_URL} set, selects it.
 */
public final class PostgresStoreProvider implements StoreProvider {

    /** For {@link java.util.ServiceLoader}. */
    public PostgresStoreProvider() {
    }

    @Override
    public StoreKind kind() {
        return StoreKind.JDBC;
    }

    /**
     * Builds a store with its own pool from {@link SessionSettings#databaseUrl()}.
     *
     * @throws dev.sessionkit.SessionConfigurationException when the URL is missing or invalid,
     *     or the table is missing with {@code SESSION_SCHEMA_AUTO} off
     * @throws dev.sessionkit.StoreUnavailableException when the database cannot be reached
     */
    @Override
    public SessionStore open(SessionSettings settings, Clock clock) {
        return PostgresSessionStore.builder().settings(settings).clock(clock).build();
    }
}
