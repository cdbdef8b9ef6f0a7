package dev.sessionkit.postgres;

import static dev.sessionkit.testkit.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.Touch;
import dev.sessionkit.testkit.CountingDataSource;
import dev.sessionkit.testkit.Fixtures;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What is particular to PostgreSQL, beyond the contract: the audit trail, jsonb, HOT updates, the sweep by sweep_at. */
final class PostgresSessionStoreTest {

    private static final Instant T0 = MutableClock.DEFAULT_START;

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
        SessionData created = Fixtures.session(T0).attribute("a", "1").principal("alice")
                .client("203.0.113.7", "JUnit").build();
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
        SessionData created = Fixtures.session(T0).attribute("userId", "42").attribute("cart", "[1,2]")
                .principal("bob").build();
        store.create(created);

        assertThat(row(created, "data->>'userId', jsonb_array_length(data->'cart')")).containsExactly("42", "2");
    }

    @Test
    void closeLeavesAGivenDataSourceOpen() throws SQLException {
        PostgresSessionStore own = PostgresSessionStore.builder()
                .settings(PostgresStoreSettings.builder().build())
                .dataSource(database.dataSource())
                .build();

        own.close();

        assertThatThrownBy(() -> own.load(Fixtures.newKey(), T0)).isInstanceOf(IllegalStateException.class);
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement ps = connection.prepareStatement("select count(*) from sessions");
                ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
        }
        SessionData created = Fixtures.session(T0).build();
        assertThat(store.create(created)).as("another store on the same DataSource").isTrue();
        assertThat(store.load(created.key(), T0)).contains(created);
    }

    /**
     * Touches and attribute writes (a set, an increment, a set with a touch) change no indexed
     * column, so every one is a HOT update; a write that makes the expiry earlier than
     * {@code sweep_at} (a shorter idle timeout) lowers {@code sweep_at} and is not.
     */
    @Test
    void touchesAndAttributeWritesAreHotUpdatesAndOnlyAnEarlierExpiryMovesSweepAt() throws SQLException {
        PostgresStoreSettings settings = PostgresStoreSettings.builder().table("hot").build();
        SessionData created = Fixtures.session(T0).attribute("a", json("1")).build();
        try (PostgresSessionStore own = PostgresSessionStore.builder().settings(settings)
                .dataSource(database.dataSource()).build();
                Connection connection = database.dataSource().getConnection()) {
            own.create(created);
            connection.setAutoCommit(false);
            try {
                PostgresSessionStore inTransaction = PostgresSessionStore.builder()
                        .settings(PostgresStoreSettings.builder().table("hot").touchMode(PostgresStoreSettings.TouchMode.SYNC)
                                .build())
                        .dataSource(sharing(connection)).build();
                // counters not yet reported by earlier transactions on this connection come first
                List<Long> before = updates(connection, "hot");
                for (int i = 1; i <= 4; i++) {
                    Instant at = T0.plus(Duration.ofMinutes(i));
                    assertThat(inTransaction.touch(created.key(), new Touch(at, at.plus(Fixtures.IDLE_TIMEOUT)), at))
                            .isTrue();
                    assertThat(inTransaction.apply(created.key(), Fixtures.delta().set("b", json("" + i)).build(), at))
                            .isPresent();
                    assertThat(inTransaction.apply(created.key(), Fixtures.delta().increment("a", 1).build(), at))
                            .isPresent();
                    assertThat(inTransaction.apply(created.key(), Fixtures.delta().set("c", json("" + i))
                            .touch(at, at.plus(Fixtures.IDLE_TIMEOUT)).build(), at)).isPresent();
                }
                assertThat(since(before, updates(connection, "hot"))).as("updated, HOT-updated")
                        .containsExactly(16L, 16L);
                assertThat(column(connection, created, "sweep_at = '" + created.idleExpiresAt() + "'"
                        + " and expires_at = '" + T0.plus(Duration.ofMinutes(4)).plus(Fixtures.IDLE_TIMEOUT) + "'"))
                        .as("sweep_at stays at the first expiry while the expiry moves").isEqualTo("t");

                Instant at = T0.plus(Duration.ofMinutes(5));
                Instant shorter = at.plus(Duration.ofMinutes(1));
                assertThat(inTransaction.apply(created.key(), Fixtures.delta().idleTimeout(Duration.ofMinutes(1))
                        .touch(at, shorter).build(), at)).isPresent();

                assertThat(since(before, updates(connection, "hot"))).as("sweep_at is indexed")
                        .containsExactly(17L, 16L);
                assertThat(column(connection, created, "sweep_at = '" + shorter + "' and expires_at = '" + shorter + "'"))
                        .isEqualTo("t");

                // the write-behind batch is HOT too: it sets only the columns the single touch sets
                try (PostgresSessionStore behind = PostgresSessionStore.builder()
                        .settings(PostgresStoreSettings.builder().table("hot").touchFlushInterval(Duration.ofMinutes(1))
                                .build())
                        .dataSource(sharing(connection))
                        .build()) {
                    Instant soon = at.plus(Duration.ofSeconds(30));
                    behind.touch(created.key(), new Touch(soon, soon.plus(Duration.ofMinutes(1))), soon);
                    behind.flush();
                }
                assertThat(since(before, updates(connection, "hot"))).as("the batch touch, HOT").containsExactly(18L, 17L);
                assertThat(column(connection, created, "sweep_at = '" + shorter + "'")).isEqualTo("t");
            } finally {
                connection.rollback();
            }
        }
    }

    /**
     * A session touched after creation is still due at its first expiry: that sweep leaves it (its
     * sweep_at moves to the new expiry), and the sweep after its new expiry removes it, once.
     */
    @Test
    void aTouchedSessionOutlivesItsFirstExpiryAndIsSweptOnceAfterItsNewOne() {
        PostgresStoreSettings settings = PostgresStoreSettings.builder().table("bumped").build();
        try (PostgresSessionStore own = PostgresSessionStore.builder().settings(settings)
                .dataSource(database.dataSource()).build()) {
            SessionData touched = Fixtures.session(T0).build();
            SessionData untouched = Fixtures.session(T0).build();
            own.create(touched);
            own.create(untouched);
            Instant later = T0.plus(Duration.ofMinutes(20));
            Instant newExpiry = later.plus(Fixtures.IDLE_TIMEOUT);
            assertThat(own.touch(touched.key(), new Touch(later, newExpiry), later)).isTrue();
            own.flush(); // a write-behind touch is written by the flush

            Instant afterFirst = T0.plus(Fixtures.IDLE_TIMEOUT).plusSeconds(1);
            assertThat(own.purgeExpired(afterFirst, 100)).containsExactly(untouched.key());
            assertThat(own.load(touched.key(), afterFirst)).isPresent();
            assertThat(rowOf("bumped", touched, "sweep_at = expires_at, expires_at = '" + newExpiry + "'"))
                    .containsExactly("t", "t");
            assertThat(own.purgeExpired(newExpiry.minusSeconds(1), 100)).isEmpty();

            assertThat(own.purgeExpired(newExpiry, 100)).containsExactly(touched.key());
            assertThat(own.purgeExpired(newExpiry.plusSeconds(1), 100)).isEmpty();
            assertThat(rowOf("bumped", touched, "status")).isEmpty();
        }
    }

    /**
     * Each statement of a sweep takes at most {@code limit} due rows. Due rows that are still live
     * (touched since) take room in a batch without being returned, so the call goes on with more
     * batches until it has {@code limit} expired sessions or no due rows are left.
     */
    @Test
    void sweepBatchesAreBoundedAndLiveDueRowsDoNotEndTheSweepEarly() {
        PostgresStoreSettings settings = PostgresStoreSettings.builder().table("batches").build();
        CountingDataSource counting = CountingDataSource.of(database.dataSource());
        try (PostgresSessionStore own = PostgresSessionStore.builder().settings(settings)
                .dataSource(counting).build()) {
            // six sessions touched since (due first: their first expiry is the earliest), then four expired
            List<SessionData> touched = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                SessionData session = Fixtures.session(T0.plusSeconds(i)).build();
                own.create(session);
                Instant later = T0.plus(Duration.ofMinutes(20));
                assertThat(own.touch(session.key(), new Touch(later, later.plus(Fixtures.IDLE_TIMEOUT)), later)).isTrue();
                touched.add(session);
                own.flush();
            }
            List<dev.sessionkit.LookupKey> expired = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                SessionData session = Fixtures.session(T0.plusSeconds(10 + i)).build();
                own.create(session);
                expired.add(session.key());
            }
            Instant now = T0.plus(Fixtures.IDLE_TIMEOUT).plusSeconds(30);
            counting.reset();

            List<dev.sessionkit.LookupKey> first = own.purgeExpired(now, 3);

            assertThat(first).hasSize(3).isSubsetOf(expired);
            assertThat(counting.counts().statements()).as("two batches of 3 moved, one of 3 expired").isEqualTo(3);
            for (SessionData session : touched) {
                assertThat(rowOf("batches", session, "sweep_at = expires_at")).containsExactly("t");
            }
            counting.reset();
            assertThat(own.purgeExpired(now, 3)).hasSize(1).isSubsetOf(expired).doesNotContainAnyElementsOf(first);
            assertThat(counting.counts().statements()).as("one batch, short").isEqualTo(1);
            assertThat(own.purgeExpired(now, 3)).isEmpty();
            for (SessionData session : touched) {
                assertThat(own.load(session.key(), now)).isPresent();
            }
        }
    }

    /** Updated and HOT-updated tuples of the table in the current transaction. */
    private static List<Long> updates(Connection connection, String table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("select pg_stat_get_xact_tuples_updated(c.oid),"
                + " pg_stat_get_xact_tuples_hot_updated(c.oid) from pg_class c where c.oid = ?::regclass")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return List.of(rs.getLong(1), rs.getLong(2));
            }
        }
    }

    /** One SQL expression over the session's row of the "hot" table, read on {@code connection}. */
    private static String column(Connection connection, SessionData session, String expression) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("select " + expression + " from hot where key = ?")) {
            ps.setBytes(1, SessionRows.keyBytes(session.key()));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static List<Long> since(List<Long> before, List<Long> after) {
        return List.of(after.get(0) - before.get(0), after.get(1) - before.get(1));
    }

    /**
     * A request whose clock is behind the sweeper's touches a session the sweeper already counts as
     * expired, and commits while the sweep waits for its row lock: the touched session stays, and
     * the sweep does not report it as expired.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(PostgresStoreSettings.TouchMode.class)
    void aSweepWaitingForATouchThatMadeTheSessionLiveAgainLeavesIt(PostgresStoreSettings.TouchMode mode)
            throws Exception {
        // write-behind: the touch is written by flush() on this thread, into the held transaction
        PostgresStoreSettings settings = PostgresStoreSettings.builder().table("swept_" + mode.name().toLowerCase())
                .touchMode(mode).touchFlushInterval(Duration.ofMinutes(1)).build();
        SessionData touched = Fixtures.session(T0).build();
        SessionData expired = Fixtures.session(T0).build();
        Instant requestNow = T0.plus(Fixtures.IDLE_TIMEOUT).minusSeconds(1);
        Instant sweepNow = T0.plus(Fixtures.IDLE_TIMEOUT).plusSeconds(1);
        try (PostgresSessionStore sweeper = PostgresSessionStore.builder().settings(settings)
                .dataSource(database.dataSource()).build();
                Connection request = database.dataSource().getConnection()) {
            sweeper.create(touched);
            sweeper.create(expired);
            request.setAutoCommit(false);
            try (PostgresSessionStore requestStore = PostgresSessionStore.builder().settings(settings)
                    .dataSource(sharing(request)).build()) {
                // the request's touch, held uncommitted: live by the request's clock, live for an hour after it
                assertThat(requestStore.touch(touched.key(),
                        new Touch(requestNow, requestNow.plus(Duration.ofHours(1))), requestNow)).isTrue();
                requestStore.flush();
                java.util.concurrent.CompletableFuture<List<dev.sessionkit.LookupKey>> sweep =
                        java.util.concurrent.CompletableFuture.supplyAsync(() -> sweeper.purgeExpired(sweepNow, 10));
                awaitLockWaitOrEnd(sweep);
                request.commit();

                assertThat(sweep.get(30, java.util.concurrent.TimeUnit.SECONDS)).containsExactly(expired.key());
            }
            assertThat(sweeper.load(touched.key(), sweepNow)).as("the touched session").isPresent();
            assertThat(sweeper.load(expired.key(), sweepNow)).isEmpty();
        }
    }

    /**
     * Waits until the sweep ends (it skipped the locked row) or some statement of this database
     * waits for a row lock (the sweep, blocked by the request).
     */
    private static void awaitLockWaitOrEnd(java.util.concurrent.Future<?> sweep) throws SQLException,
            InterruptedException {
        for (int i = 0; i < 3_000 && !sweep.isDone(); i++) {
            try (Connection connection = database.dataSource().getConnection();
                    PreparedStatement ps = connection.prepareStatement("select count(*) from pg_stat_activity"
                            + " where datname = current_database() and wait_event_type = 'Lock'");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return;
                }
            }
            Thread.sleep(10);
        }
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
        return rowOf("sessions", session, columns);
    }

    private static List<String> rowOf(String table, SessionData session, String columns) {
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement ps = connection.prepareStatement("select " + columns + " from " + table + " where key = ?")) {
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
