package dev.sessionkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionkit.SessionConfigurationException;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionStore;
import dev.sessionkit.EnvironmentVariables;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStores;
import dev.sessionkit.StoreContext;
import dev.sessionkit.StoreProvider;
import dev.sessionkit.testkit.Fixtures;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

final class PostgresStoreProviderTest {

    private static final Instant T0 = MutableClock.DEFAULT_START;

    private static PostgresFixture.Database database;

    @BeforeAll
    static void start() {
        database = PostgresFixture.freshDatabase();
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    @Test
    void serviceLoaderFindsThePostgresProviderUnderItsNameAndAlias() {
        assertThat(ServiceLoader.load(StoreProvider.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(provider -> {
                    assertThat(provider).isInstanceOf(PostgresStoreProvider.class);
                    assertThat(provider.name()).isEqualTo("postgres");
                    assertThat(provider.aliases()).containsExactly("jdbc");
                    assertThat(provider.settings()).isEqualTo(PostgresStoreSettings.SETTINGS);
                });
        assertThat(SessionStores.find("jdbc")).get().isInstanceOf(PostgresStoreProvider.class);
    }

    @Test
    void recognisesOnlyDatabaseUrlsOfItsSchemes() {
        PostgresStoreProvider provider = new PostgresStoreProvider();

        assertThat(provider.recognises(env(Map.of("DATABASE_URL", "postgres://u:p@h/db")))).contains("DATABASE_URL is set");
        assertThat(provider.recognises(env(Map.of("DATABASE_URL", "postgresql://h/db")))).isPresent();
        assertThat(provider.recognises(env(Map.of("DATABASE_URL", "jdbc:postgresql://h/db")))).isPresent();
        assertThat(provider.recognises(env(Map.of("DATABASE_URL", "mysql://u:p@h/db")))).isEmpty();
        assertThat(provider.recognises(env(Map.of()))).isEmpty();
    }

    @Test
    void autoSelectsItForAPostgresDatabaseUrl() {
        EnvironmentVariables env = env(Map.of("DATABASE_URL", database.databaseUrl(), "SESSION_TABLE", "by_auto"));

        try (SessionStore store = SessionStores.open(SessionSettings.builder().build(), env, Clock.systemUTC())) {
            assertThat(store.name()).isEqualTo("postgres");
        }
    }

    private static EnvironmentVariables env(Map<String, String> variables) {
        return EnvironmentVariables.of(variables);
    }

    private static SessionStore open(Map<String, String> variables) {
        return new PostgresStoreProvider().open(StoreContext.of(SessionSettings.builder().build(), env(variables),
                Clock.systemUTC()));
    }

    @Test
    void opensFromAPostgresUrlWithItsOwnPool() {
        SessionData created = Fixtures.session(T0).attribute("a", "1").build();

        try (SessionStore store = open(Map.of(PostgresStoreSettings.DATABASE_URL, database.databaseUrl(),
                PostgresStoreSettings.SESSION_TABLE, "from_env"))) {
            assertThat(store.name()).isEqualTo("postgres");
            assertThat(store.create(created)).isTrue();
            assertThat(store.load(created.key(), T0)).contains(created);
            store.ping();
        }
    }

    @Test
    void opensFromAJdbcUrl() {
        try (SessionStore store = open(Map.of(PostgresStoreSettings.DATABASE_URL, database.jdbcUrl(),
                PostgresStoreSettings.SESSION_TABLE, "from_jdbc"))) {
            store.ping();
        }
    }

    @Test
    void withoutDatabaseUrlOrDataSourceFailsNamingDatabaseUrl() {
        assertThatThrownBy(() -> open(Map.of()))
                .isInstanceOfSatisfying(SessionConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(PostgresStoreSettings.DATABASE_URL));
    }

    @Test
    void builderRejectsSettersCalledTwice() {
        PostgresSessionStore.Builder builder = PostgresSessionStore.builder().settings(PostgresStoreSettings.builder().build());

        assertThatThrownBy(() -> builder.settings(PostgresStoreSettings.builder().build()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> PostgresSessionStore.builder().build())
                .isInstanceOfSatisfying(SessionConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(PostgresStoreSettings.DATABASE_URL));
    }
}
