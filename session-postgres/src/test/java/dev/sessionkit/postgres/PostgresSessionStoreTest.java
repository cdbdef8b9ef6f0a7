package dev.sessionkit.postgres;

import static dev.sessionkit.postgres.Sessions.T0;
import static dev.sessionkit.postgres.Sessions.json;
import static dev.sessionkit.postgres.Sessions.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionkit.AttributeSerializationException;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.Touch;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What is particular to PostgreSQL, beyond the contract: the audit trail, jsonb, HOT updates. */
final class PostgresSessionStoreTest {

    private static final Duration RETENTION = Duration.ofDays(30);
    private static PostgresFixture.Database database;
    private static PostgresSessionStore store;

    @BeforeAll
    static void start() {
        database = PostgresFixture.freshDatabase();
        store = PostgresSessionStore.builder()
                .settings(PostgresStoreSettings.builder().auditRetention(RETENTION).build())
                .dataSource(database.dataSource())
                .build();
    }

    @AfterAll
    static void stop() {
        store.close();
        database.close();
    }

    @Test
    void logoutKeepsTheRowAsAnAuditTrailUntilTheRetentionPasses() {
        SessionData created = Sessions.session(Sessions.newKey(), Map.of("a", json("1")), "alice");
        store.create(created);
        Instant logout = T0.plus(Duration.ofMinutes(5));

        assertThat(store.end(created.key(), SessionStatus.LOGGED_OUT, logout)).isTrue();

        assertThat(row(created, "status, logged_out_at = '2030-01-01T00:05:00Z', ip, user_agent"))
                .containsExactly("logged_out", "t", "203.0.113.7", "JUnit");
        assertThat(store.purgeExpired(logout.plus(RETENTION).minusSeconds(1), 100)).isEmpty();
        assertThat(row(created, "status")).containsExactly("logged_out");
        assertThat(store.purgeExpired(logout.plus(RETENTION).plusSeconds(1), 100))
                .as("audit rows are deleted but are not reported as expired sessions").isEmpty();
        assertThat(row(created, "status")).isEmpty();
    }

    @Test
    void attributesAreQueryableJsonForOperators() {
        SessionData created = Sessions.session(Sessions.newKey(), Map.of("userId", json("42"), "cart", json("[1,2]")),
                "bob");
        store.create(created);

        assertThat(row(created, "data->>'userId', jsonb_array_length(data->'cart')")).containsExactly("42", "2");
    }

    @Test
    void incrementOfAValueSetInTheSameDeltaStartsFromTheSetValue() {
        SessionData created = session(Map.of("n", json("100"), "gone", json("7")));
        store.create(created);
        SessionDelta delta = new SessionDelta(Map.of("n", json("5")), Set.of("gone"), Map.of("n", 1L, "gone", 2L,
                "fresh", 3L), false, null, null, null, null);

        SessionData applied = store.apply(created.key(), delta, T0).orElseThrow();

        assertThat(applied.attributes()).isEqualTo(created.apply(delta).attributes());
        assertThat(applied.attributes().get("n").asLong()).isEqualTo(6);
        assertThat(applied.attributes().get("gone").asLong()).isEqualTo(2);
    }

    @Test
    void incrementOfAnIntegerBeyondALongStartsFromZeroAsInJava() {
        SessionData created = session(Map.of("huge", json("123456789012345678901234567890"), "real", json("2.5")));
        store.create(created);
        SessionDelta delta = new SessionDelta(Map.of(), Set.of(), Map.of("huge", 1L, "real", 1L), false, null, null,
                null, null);

        SessionData applied = store.apply(created.key(), delta, T0).orElseThrow();

        assertThat(applied.attributes()).isEqualTo(created.apply(delta).attributes());
    }

    @Test
    void attributeNameWithNulIsRejectedBeforeAnyStatement() {
        SessionData created = session(Map.of("a", json("1")));
        store.create(created);

        assertThatThrownBy(() -> store.apply(created.key(), Sessions.set("bad\u0000name", json("1")), T0))
                .isInstanceOfSatisfying(AttributeSerializationException.class,
                        e -> assertThat(e.attributeName()).isEqualTo("bad\u0000name"));
        assertThatThrownBy(() -> store.apply(created.key(), Sessions.increment("bad\u0000", 1), T0))
                .isInstanceOf(AttributeSerializationException.class);
    }

    @Test
    void principalWithNulIsRejectedAndUserAgentWithNulIsCleaned() {
        SessionData bad = new SessionData(Sessions.newKey(), Map.of(), "eve\u0000", T0, T0, T0.plus(Sessions.IDLE),
                T0.plus(Duration.ofDays(1)), Sessions.IDLE, null, null, SessionStatus.ACTIVE, 0);
        assertThatThrownBy(() -> store.create(bad)).isInstanceOf(IllegalArgumentException.class);

        SessionData odd = new SessionData(Sessions.newKey(), Map.of(), null, T0, T0, T0.plus(Sessions.IDLE),
                T0.plus(Duration.ofDays(1)), Sessions.IDLE, "::1", "Mozilla\u0000\uD800", SessionStatus.ACTIVE, 0);
        assertThat(store.create(odd)).isTrue();
        assertThat(store.load(odd.key(), T0).orElseThrow().userAgent()).isEqualTo("Mozilla\uFFFD\uFFFD");
        assertThat(store.findByPrincipal("eve\u0000", T0)).isEmpty();
    }

    @Test
    void attributeWritesWithoutTouchAreHotUpdatesAndATouchIsNot() throws SQLException {
        SessionData created = session(Map.of("a", json("1")));
        store.create(created);
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try {
                PostgresSessionStore inTransaction = PostgresSessionStore.builder()
                        .settings(PostgresStoreSettings.builder().build())
                        .dataSource(sharing(connection))
                        .build();
                // counters not yet reported by earlier transactions on this connection come first
                List<Long> before = updates(connection);
                for (int i = 0; i < 5; i++) {
                    assertThat(inTransaction.apply(created.key(), Sessions.increment("a", 1), T0)).isPresent();
                }
                assertThat(since(before, updates(connection))).containsExactly(5L, 5L);

                Instant later = T0.plus(Duration.ofMinutes(10));
                inTransaction.touch(created.key(), new Touch(later, later.plus(Sessions.IDLE)), later);

                assertThat(since(before, updates(connection))).as("moving expires_at changes an indexed column")
                        .containsExactly(6L, 5L);
            } finally {
                connection.rollback();
            }
        }
    }

    /** Updated and HOT-updated tuples of the table in the current transaction. */
    private static List<Long> updates(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("select pg_stat_get_xact_tuples_updated(c.oid),"
                + " pg_stat_get_xact_tuples_hot_updated(c.oid) from pg_class c where c.oid = 'sessions'::regclass");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return List.of(rs.getLong(1), rs.getLong(2));
        }
    }

    private static List<Long> since(List<Long> before, List<Long> after) {
        return List.of(after.get(0) - before.get(0), after.get(1) - before.get(1));
    }

    /** A DataSource that hands out one connection and leaves it open, so a test can hold a transaction. */
    private static DataSource sharing(Connection connection) {
        Connection unclosable = (Connection) Proxy.newProxyInstance(PostgresSessionStoreTest.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> "close".equals(method.getName()) ? null
                        : method.invoke(connection, args));
        return (DataSource) Proxy.newProxyInstance(PostgresSessionStoreTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if ("getConnection".equals(method.getName())) {
                        return unclosable;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static List<String> row(SessionData session, String columns) {
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement ps = connection.prepareStatement("select " + columns + " from sessions where key = ?")) {
            ps.setBytes(1, SessionRows.keyBytes(session.key()));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return List.of();
                }
                String[] values = new String[rs.getMetaData().getColumnCount()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = rs.getString(i + 1);
                }
                return List.of(values);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
