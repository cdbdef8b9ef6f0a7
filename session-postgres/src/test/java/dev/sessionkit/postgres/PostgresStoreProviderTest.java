package dev.sessionkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionkit.SessionConfigurationException;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import dev.sessionkit.StoreKind;
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
    void serviceLoaderFindsTheJdbcProvider() {
        assertThat(ServiceLoader.load(StoreProvider.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(provider -> {
                    assertThat(provider).isInstanceOf(PostgresStoreProvider.class);
                    assertThat(provider.kind()).isEqualTo(StoreKind.JDBC);
                });
    }

    @Test
    void opensFromAPostgresUrlWithItsOwnPool() {
        SessionSettings settings = SessionSettings.fromEnvironment(Map.of(
                SessionSettings.DATABASE_URL, database.databaseUrl(),
                SessionSettings.SESSION_TABLE, "from_env"));
        SessionData created = Fixtures.session(T0).attribute("a", "1").build();

        try (SessionStore store = new PostgresStoreProvider().open(settings, Clock.systemUTC())) {
            assertThat(store.name()).isEqualTo("postgres");
            assertThat(store.create(created)).isTrue();
            assertThat(store.load(created.key(), T0)).contains(created);
            store.ping();
        }
    }

    @Test
    void opensFromAJdbcUrl() {
        SessionSettings settings = SessionSettings.builder().databaseUrl(database.jdbcUrl()).table("from_jdbc").build();

        try (SessionStore store = new PostgresStoreProvider().open(settings, Clock.systemUTC())) {
            store.ping();
        }
    }

    @Test
    void withoutDatabaseUrlOrDataSourceFailsNamingDatabaseUrl() {
        SessionSettings settings = SessionSettings.builder().build();

        assertThatThrownBy(() -> new PostgresStoreProvider().open(settings, Clock.systemUTC()))
                .isInstanceOfSatisfying(SessionConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(SessionSettings.DATABASE_URL));
    }

    @Test
    void builderRejectsSettersCalledTwice() {
        PostgresSessionStore.Builder builder = PostgresSessionStore.builder().settings(SessionSettings.builder().build());

        assertThatThrownBy(() -> builder.settings(SessionSettings.builder().build()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> PostgresSessionStore.builder().build()).isInstanceOf(IllegalStateException.class);
    }
}
