package dev.sessionkit.examples;

import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import dev.sessionkit.memory.CaffeineSessionStore;
import dev.sessionkit.testkit.FailingStore;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.time.Clock;
import java.util.Map;

/**
 * The store a demo runs on in a test, and how the test takes it away. Memory: a
 * {@link FailingStore} handed to the app. PostgreSQL: a server of the test's own from
 * {@link PostgresFixture#restartableServer()}, which the app reaches through {@code DATABASE_URL}
 * like in production, and which the test really stops and starts.
 */
interface TestStore extends AutoCloseable {

    /** The name the store reports, {@code memory} or {@code postgres}. */
    String name();

    /** Variables for the app; they select the store. */
    Map<String, String> env();

    /** A store to hand to the app, or null when the app opens its own from {@link #env()}. */
    SessionStore storeFor(SessionSettings settings, Clock clock);

    /** Makes the store unreachable. */
    void down();

    /** Makes it reachable again. */
    void up();

    @Override
    void close();

    static TestStore memory() {
        return new TestStore() {
            private FailingStore store;

            @Override
            public String name() {
                return "memory";
            }

            @Override
            public Map<String, String> env() {
                return Map.of(SessionSettings.SESSION_STORE, "memory");
            }

            @Override
            public SessionStore storeFor(SessionSettings settings, Clock clock) {
                store = FailingStore.wrapping(CaffeineSessionStore.create(dev.sessionkit.memory.MemoryStoreSettings.defaults(), clock));
                return store;
            }

            @Override
            public void down() {
                store.failAll();
            }

            @Override
            public void up() {
                store.recover();
            }

            @Override
            public void close() {
                if (store != null) {
                    store.close();
                }
            }
        };
    }

    static TestStore postgres() {
        PostgresFixture.RestartableServer server = PostgresFixture.restartableServer();
        return new TestStore() {
            @Override
            public String name() {
                return "postgres";
            }

            @Override
            public Map<String, String> env() {
                return Map.of("DATABASE_URL", server.jdbcUrl(),
                        "SESSION_DB_CONNECT_TIMEOUT", "1s");
            }

            @Override
            public SessionStore storeFor(SessionSettings settings, Clock clock) {
                return null;
            }

            @Override
            public void down() {
                server.stop();
            }

            @Override
            public void up() {
                server.start();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }
}
