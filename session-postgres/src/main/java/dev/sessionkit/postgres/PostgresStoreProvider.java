package dev.sessionkit.postgres;

import dev.sessionkit.EnvironmentVariables;
import dev.sessionkit.SessionStore;
import dev.sessionkit.StoreContext;
import dev.sessionkit.StoreProvider;
import dev.sessionkit.StoreSetting;
import java.util.List;
import java.util.Optional;

/**
 * The {@code postgres} store provider (alias {@code jdbc}), registered for
 * {@link java.util.ServiceLoader}: {@code SESSION_STORE=postgres}, or {@code auto} with a
 * PostgreSQL {@code DATABASE_URL}, selects it, and it reads {@link PostgresStoreSettings} from
 * the environment. Public only because {@code ServiceLoader} needs it to be.
 */
public final class PostgresStoreProvider implements StoreProvider {

    /** For {@link java.util.ServiceLoader}. */
    public PostgresStoreProvider() {
    }

    @Override
    public String name() {
        return "postgres";
    }

    /** {@code jdbc}, the name of this store before it had one word. */
    @Override
    public List<String> aliases() {
        return List.of("jdbc");
    }

    @Override
    public List<StoreSetting> settings() {
        return PostgresStoreSettings.SETTINGS;
    }

    /** Claims a {@code DATABASE_URL} that starts with {@code postgres://}, {@code postgresql://} or {@code jdbc:postgresql:}. */
    @Override
    public Optional<String> recognises(EnvironmentVariables environment) {
        String url = environment.get(PostgresStoreSettings.DATABASE_URL);
        return url != null && PostgresStoreSettings.isPostgresUrl(url) ? Optional.of("DATABASE_URL is set")
                : Optional.empty();
    }

    /**
     * Builds a store with its own pool from {@code DATABASE_URL}.
     *
     * @throws dev.sessionkit.SessionConfigurationException when the URL is missing or invalid,
     *     or the table is missing with {@code SESSION_SCHEMA_AUTO} off
     * @throws dev.sessionkit.StoreUnavailableException when the database cannot be reached
     */
    @Override
    public SessionStore open(StoreContext context) {
        PostgresStoreSettings settings = PostgresStoreSettings.fromEnvironment(context.environment());
        return PostgresSessionStore.builder().settings(settings).clock(context.clock()).build();
    }
}
