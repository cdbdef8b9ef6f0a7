package dev.sessionkit.servlet;

import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import dev.sessionkit.jdbc.PostgresFixture;
import dev.sessionkit.jdbc.PostgresSessionStore;
import dev.sessionkit.memory.CaffeineSessionStore;
import java.time.Clock;
import java.time.Duration;

/**
 * Opens the store a contract test runs on, and takes its backend down for the outage test when it
 * can; a kit that cannot leaves the outage to {@link FailingStore}.
 */
interface StoreKit extends AutoCloseable {

    SessionStore open(SessionSettings settings, Clock clock) throws Exception;

    /** Whether {@link #stopBackend()} really stops the backend. */
    default boolean canStopBackend() {
        return false;
    }

    default void stopBackend() {
        throw new UnsupportedOperationException();
    }

    default void startBackend() {
        throw new UnsupportedOperationException();
    }

    /** How long a request may take to fail while the backend is down. */
    default Duration failFast() {
        return Duration.ofSeconds(1);
    }

    @Override
    default void close() throws Exception {
    }

    /** The Caffeine store. */
    static StoreKit memory() {
        return new StoreKit() {
            @Override
            public SessionStore open(SessionSettings settings, Clock clock) {
                return CaffeineSessionStore.create(settings, clock);
            }

            @Override
            public String toString() {
                return "memory";
            }
        };
    }

    /**
     * The PostgreSQL store, on a server of its own from {@link PostgresFixture#restartableServer()},
     * which the outage test really stops and starts. When {@code SESSIONKIT_TEST_DATABASE_URL} names
     * a server, the tests use a fresh database there instead, and the outage is simulated.
     */
    static StoreKit postgres() {
        return new StoreKit() {
            private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

            private PostgresFixture.RestartableServer server;
            private PostgresFixture.Database database;

            @Override
            public SessionStore open(SessionSettings settings, Clock clock) {
                String url;
                if (System.getenv(PostgresFixture.DATABASE_URL_VARIABLE) != null
                        || System.getProperty(PostgresFixture.DATABASE_URL_VARIABLE) != null) {
                    database = PostgresFixture.freshDatabase();
                    url = database.jdbcUrl();
                } else {
                    server = PostgresFixture.restartableServer();
                    url = server.jdbcUrl();
                }
                SessionSettings withDatabase = settings.newBuilder().databaseUrl(url)
                        .connectTimeout(CONNECT_TIMEOUT).poolSize(10).build();
                return PostgresSessionStore.builder().settings(withDatabase).clock(clock).build();
            }

            @Override
            public boolean canStopBackend() {
                return server != null;
            }

            @Override
            public void stopBackend() {
                server.stop();
            }

            @Override
            public void startBackend() {
                server.start();
            }

            @Override
            public Duration failFast() {
                // the pool waits up to its connection timeout for a connection that never comes
                return CONNECT_TIMEOUT.plusSeconds(1);
            }

            @Override
            public void close() {
                if (server != null) {
                    server.close();
                }
                if (database != null) {
                    database.close();
                }
            }

            @Override
            public String toString() {
                return "postgres";
            }
        };
    }
}
