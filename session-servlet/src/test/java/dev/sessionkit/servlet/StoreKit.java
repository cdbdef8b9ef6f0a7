package dev.sessionkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionJson;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import dev.sessionkit.memory.CaffeineSessionStore;
import dev.sessionkit.memory.MemoryStoreSettings;
import dev.sessionkit.postgres.PostgresSessionStore;
import dev.sessionkit.postgres.PostgresStoreSettings;
import dev.sessionkit.testkit.FailingStore;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Opens the store a contract test runs on, and takes its backend down for the outage test when it
 * can; a kit that cannot leaves the outage to {@link FailingStore}. Also reaches past sessionkit
 * into the stored data, for tests that plant JSON a deploy could have left behind.
 */
interface StoreKit extends AutoCloseable {

    /** Opens a store; a persistent kit opens every store over the same database. */
    SessionStore open(SessionSettings settings, Clock clock) throws Exception;

    /** Whether a store opened again after {@code close()} still holds the sessions (an application restart). */
    default boolean persistent() {
        return false;
    }

    /**
     * Writes one attribute's JSON as it is, past sessionkit's codec and checks; by default through
     * the store's own {@code apply}.
     */
    default void writeRawAttribute(SessionStore store, LookupKey key, String name, String json) throws Exception {
        SessionDelta delta = SessionDelta.builder().set(name, SessionJson.parse(json)).build();
        if (store.apply(key, delta, Instant.now()).isEmpty()) {
            throw new IllegalStateException("no live session under " + key);
        }
    }

    /** One attribute's JSON as the store holds it, or null when it holds none under that name. */
    default JsonNode readRawAttribute(SessionStore store, LookupKey key, String name) throws Exception {
        return store.load(key, Instant.now()).orElseThrow().attributes().get(name);
    }

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
                return CaffeineSessionStore.create(MemoryStoreSettings.defaults(), clock);
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
     * a server, the tests use a fresh database there instead, and the outage is simulated. Every
     * store it opens uses the same database, as an application restarted over it does.
     */
    static StoreKit postgres() {
        return new StoreKit() {
            private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

            private PostgresFixture.RestartableServer server;
            private PostgresFixture.Database database;
            private String url;

            @Override
            public SessionStore open(SessionSettings settings, Clock clock) {
                if (url == null && (System.getenv(PostgresFixture.DATABASE_URL_VARIABLE) != null
                        || System.getProperty(PostgresFixture.DATABASE_URL_VARIABLE) != null)) {
                    database = PostgresFixture.freshDatabase();
                    url = database.jdbcUrl();
                } else if (url == null) {
                    server = PostgresFixture.restartableServer();
                    url = server.jdbcUrl();
                }
                PostgresStoreSettings withDatabase = PostgresStoreSettings.builder().databaseUrl(url)
                        .connectTimeout(CONNECT_TIMEOUT).poolSize(10).build();
                return PostgresSessionStore.builder().settings(withDatabase).clock(clock).build();
            }

            @Override
            public boolean persistent() {
                return true;
            }

            /** Straight into the table with SQL, as a deploy of other code would have left the row. */
            @Override
            public void writeRawAttribute(SessionStore store, LookupKey key, String name, String json) throws SQLException {
                try (Connection connection = DriverManager.getConnection(url);
                        PreparedStatement update = connection.prepareStatement(
                                "update sessions set data = jsonb_set(data, array[?], ?::jsonb) where key = decode(?, 'hex')")) {
                    update.setString(1, name);
                    update.setString(2, json);
                    update.setString(3, key.value());
                    if (update.executeUpdate() != 1) {
                        throw new IllegalStateException("no row for " + key);
                    }
                }
            }

            @Override
            public JsonNode readRawAttribute(SessionStore store, LookupKey key, String name) throws SQLException {
                try (Connection connection = DriverManager.getConnection(url);
                        PreparedStatement select = connection.prepareStatement(
                                "select data -> ? from sessions where key = decode(?, 'hex')")) {
                    select.setString(1, name);
                    select.setString(2, key.value());
                    try (ResultSet row = select.executeQuery()) {
                        if (!row.next()) {
                            throw new IllegalStateException("no row for " + key);
                        }
                        String json = row.getString(1);
                        return json == null ? null : SessionJson.parse(json);
                    }
                }
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
