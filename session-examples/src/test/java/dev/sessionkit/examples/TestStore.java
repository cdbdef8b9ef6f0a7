package dev.sessionkit.examples;

import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import dev.sessionkit.memory.CaffeineSessionStore;
import dev.sessionkit.testkit.FailingStore;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import dev.sessionkit.testkit.redis.RedisFixture;
import java.time.Clock;
import java.util.Map;

/**
 * The store a demo runs on in a test, and how the test takes it away. Memory: a
 * {@link FailingStore} handed to the app. PostgreSQL: a server of the test's own from
 * {@link PostgresFixture#restartableServer()}, which the app reaches through {@code DATABASE_URL}
 * like in production, and which the test really stops and starts.
 */
interface TestStore extends AutoCloseable {

    /** The name the store reports, {@code memory}, {@code postgres} or {@code redis}. */
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

    /**
     * The shared Redis Cluster of {@link RedisFixture#cluster()}, which the app reaches through
     * {@code SESSION_STORE=redis} and its seed nodes, under a key prefix of its own. Down is every
     * node stopped (each saves its data, as a clean shutdown does), up is every node started again.
     */
    static TestStore redisCluster() {
        RedisFixture.Cluster cluster = RedisFixture.cluster();
        String prefix = "portal-" + java.util.UUID.randomUUID() + ":";
        return new TestStore() {
            @Override
            public String name() {
                return "redis";
            }

            @Override
            public Map<String, String> env() {
                return Map.of(SessionSettings.SESSION_STORE, "redis",
                        "SESSION_REDIS_CLUSTER_NODES", cluster.seedNodes(),
                        "SESSION_REDIS_KEY_PREFIX", prefix,
                        "SESSION_REDIS_TIMEOUT", "1s");
            }

            @Override
            public SessionStore storeFor(SessionSettings settings, Clock clock) {
                return null;
            }

            @Override
            public void down() {
                cluster.stop();
            }

            @Override
            public void up() {
                cluster.start();
            }

            @Override
            public void close() {
                // the cluster is shared by the JVM's tests and killed when it exits
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
