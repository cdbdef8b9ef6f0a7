package dev.sessionkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionkit.CommitResult;
import dev.sessionkit.LookupKey;
import dev.sessionkit.RequestInfo;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.Touch;
import dev.sessionkit.testkit.CountingDataSource;
import dev.sessionkit.testkit.Fixtures;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The write-behind touch queue against a real PostgreSQL, beyond the contract (which runs in both
 * modes): the batch statement's plan and guards, two instances on one table, the bound and what it
 * drops, an outage, {@code close()}, and what a read-only request costs on its own thread.
 */
final class WriteBehindTouchTest {

    private static final Instant T0 = MutableClock.DEFAULT_START;
    /** Long enough that the queue's thread never writes during a test unless a batch fills up. */
    private static final Duration QUIET = Duration.ofMinutes(1);

    private static PostgresFixture.Database database;

    @BeforeAll
    static void start() {
        database = PostgresFixture.freshDatabase();
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    private static PostgresSessionStore store(String table, DataSource dataSource,
            java.util.function.UnaryOperator<PostgresStoreSettings.Builder> settings) {
        return PostgresSessionStore.builder()
                .settings(settings.apply(PostgresStoreSettings.builder().table(table)).build())
                .dataSource(dataSource)
                .build();
    }

    @Test
    void aTouchIsQueuedWithoutADatabaseCallAndWrittenByFlush() {
        CountingDataSource counting = CountingDataSource.of(database.dataSource());
        try (PostgresSessionStore store = store("queued", counting, s -> s.touchFlushInterval(QUIET))) {
            SessionData created = Fixtures.session(T0).build();
            store.create(created);
            Instant later = T0.plus(Duration.ofMinutes(10));
            counting.reset();

            assertThat(store.touch(created.key(), new Touch(later, later.plus(Fixtures.IDLE_TIMEOUT)), later)).isTrue();

            assertThat(counting.counts().connections()).as("a queued touch takes no connection").isZero();
            assertThat(store.load(created.key(), later).orElseThrow().lastAccessedAt()).isEqualTo(T0);
            store.flush();
            assertThat(store.load(created.key(), later).orElseThrow().lastAccessedAt()).isEqualTo(later);
            assertThat(store.touchCounts().orElseThrow()).isEqualTo(new TouchQueue.Counts(1, 1, 0, 0));
        }
    }

    @Test
    void theQueuesThreadWritesWithinTheFlushIntervalWithoutBeingAsked() throws InterruptedException {
        try (PostgresSessionStore store = store("background", database.dataSource(),
                s -> s.touchFlushInterval(Duration.ofMillis(50)))) {
            SessionData created = Fixtures.session(T0).build();
            store.create(created);
            Instant later = T0.plus(Duration.ofMinutes(10));

            store.touch(created.key(), new Touch(later, later.plus(Fixtures.IDLE_TIMEOUT)), later);

            // waits for the thread, which writes within 50 ms; the bound only keeps a broken build from hanging
            for (int i = 0; i < 1_000 && store.touchCounts().orElseThrow().written() == 0; i++) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertThat(store.touchCounts().orElseThrow().written()).isEqualTo(1);
            assertThat(store.load(created.key(), later).orElseThrow().lastAccessedAt()).isEqualTo(later);
            assertThat(Thread.getAllStackTraces().keySet()).anySatisfy(thread -> {
                assertThat(thread.getName()).isEqualTo("sessionkit-touches \"background\"");
                assertThat(thread.isDaemon()).isTrue();
            });
        }
    }

    @Test
    void aKeyQueuedTwiceIsWrittenOnceWithTheGreaterTimes() {
        try (PostgresSessionStore store = store("merged", database.dataSource(), s -> s.touchFlushInterval(QUIET))) {
            SessionData created = Fixtures.session(T0).build();
            store.create(created);
            Instant early = T0.plus(Duration.ofMinutes(5));
            Instant late = T0.plus(Duration.ofMinutes(9));

            store.touch(created.key(), new Touch(late, late.plus(Fixtures.IDLE_TIMEOUT)), late);
            store.touch(created.key(), new Touch(early, early.plus(Fixtures.IDLE_TIMEOUT)), early);
            assertThat(store.touchCounts().orElseThrow().pending()).isEqualTo(1);
            store.flush();

            SessionData loaded = store.load(created.key(), late).orElseThrow();
            assertThat(loaded.lastAccessedAt()).isEqualTo(late);
            assertThat(loaded.idleExpiresAt()).isEqualTo(late.plus(Fixtures.IDLE_TIMEOUT));
            assertThat(loaded.version()).as("one write").isEqualTo(created.version() + 1);
        }
    }

    /**
     * The current key and the previous key (within its grace) of one renewed session in the same
     * batch: one row, written once with the greater times, whichever key carried them.
     */
    @Test
    void theCurrentAndThePreviousKeyOfOneSessionInOneBatchWriteTheGreaterTimes() {
        try (PostgresSessionStore store = store("renewed", database.dataSource(), s -> s.touchFlushInterval(QUIET))) {
            SessionData created = Fixtures.session(T0).principal("alice").build();
            store.create(created);
            LookupKey renewed = Fixtures.newKey();
            store.renewKey(created.key(), renewed, dev.sessionkit.SessionDelta.empty(), T0.plusSeconds(30), T0)
                    .orElseThrow();
            Instant viaOld = T0.plusSeconds(20);
            Instant viaNew = T0.plusSeconds(10);

            store.touch(created.key(), new Touch(viaOld, viaOld.plus(Fixtures.IDLE_TIMEOUT)), viaOld);
            store.touch(renewed, new Touch(viaNew, viaNew.plus(Fixtures.IDLE_TIMEOUT)), viaNew);
            store.flush();

            SessionData loaded = store.load(renewed, viaOld).orElseThrow();
            assertThat(loaded.lastAccessedAt()).isEqualTo(viaOld);
            assertThat(loaded.idleExpiresAt()).isEqualTo(viaOld.plus(Fixtures.IDLE_TIMEOUT));
            assertThat(loaded.version()).as("renewal, then one touch").isEqualTo(created.version() + 2);

            Instant afterGrace = T0.plusSeconds(31);
            store.touch(created.key(), new Touch(afterGrace, afterGrace.plus(Fixtures.IDLE_TIMEOUT)), afterGrace);
            store.flush();
            assertThat(store.load(renewed, afterGrace).orElseThrow().lastAccessedAt())
                    .as("the previous key after its grace names nothing").isEqualTo(viaOld);
        }
    }

    /**
     * Two instances (two stores on one table) touching the same sessions at once, each flushing
     * often: every session ends with the latest time either was given, and no batch is lost to a
     * deadlock between the two (the keys of a batch are sorted; a deadlock victim is written again).
     */
    @Test
    @Timeout(120)
    void twoInstancesTouchingTheSameSessionsKeepTheLatestTimes() throws Exception {
        List<SessionData> sessions = new ArrayList<>();
        try (PostgresSessionStore a = store("two", database.dataSource(), s -> s.touchFlushInterval(Duration.ofMillis(10))
                        .touchBatchSize(50));
                PostgresSessionStore b = store("two", database.dataSource(), s -> s.touchFlushInterval(Duration.ofMillis(10))
                        .touchBatchSize(50))) {
            for (int i = 0; i < 200; i++) {
                SessionData s = Fixtures.session(T0).build();
                a.create(s);
                sessions.add(s);
            }
            int rounds = 30;
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> touching = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    PostgresSessionStore store = t % 2 == 0 ? a : b;
                    touching.add(pool.submit(() -> {
                        for (int round = 1; round <= rounds; round++) {
                            for (SessionData s : sessions) {
                                // each thread and round its own second; the latest is round 30 of either
                                Instant at = T0.plusSeconds(round * 10L + ThreadLocalRandom.current().nextInt(10));
                                store.touch(s.key(), new Touch(at, at.plus(Fixtures.IDLE_TIMEOUT)), at);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : touching) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            // the exact latest: one more touch per session at a time no thread used, on alternate instances
            Instant latest = T0.plusSeconds(rounds * 10L + 10);
            for (int i = 0; i < sessions.size(); i++) {
                (i % 2 == 0 ? b : a).touch(sessions.get(i).key(), new Touch(latest, latest.plus(Fixtures.IDLE_TIMEOUT)),
                        latest);
            }
            a.flush();
            b.flush();

            for (SessionData s : sessions) {
                SessionData loaded = a.load(s.key(), latest).orElseThrow();
                assertThat(loaded.lastAccessedAt()).isEqualTo(latest);
                assertThat(loaded.idleExpiresAt()).isEqualTo(latest.plus(Fixtures.IDLE_TIMEOUT));
            }
            assertThat(a.touchCounts().orElseThrow().dropped()).isZero();
            assertThat(b.touchCounts().orElseThrow().dropped()).isZero();
        }
    }

    @Test
    void aFullQueueDropsTheOldestTouchAndCountsIt() {
        try (PostgresSessionStore store = store("bounded", database.dataSource(),
                s -> s.touchFlushInterval(QUIET).touchQueueSize(3))) {
            List<SessionData> sessions = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                SessionData s = Fixtures.session(T0).build();
                store.create(s);
                sessions.add(s);
            }
            Instant later = T0.plus(Duration.ofMinutes(10));
            Touch touch = new Touch(later, later.plus(Fixtures.IDLE_TIMEOUT));

            for (SessionData s : sessions) {
                assertThat(store.touch(s.key(), touch, later)).isTrue();
            }
            assertThat(store.touchCounts().orElseThrow()).isEqualTo(new TouchQueue.Counts(5, 0, 2, 3));
            store.flush();

            for (int i = 0; i < 5; i++) {
                assertThat(store.load(sessions.get(i).key(), later).orElseThrow().lastAccessedAt())
                        .as("session %d", i).isEqualTo(i < 2 ? T0 : later);
            }
            assertThat(store.touchCounts().orElseThrow()).isEqualTo(new TouchQueue.Counts(5, 3, 2, 0));
        }
    }

    @Test
    void aFullBatchIsWrittenAtOnceInStatementsOfTheBatchSize() throws InterruptedException {
        CountingDataSource counting = CountingDataSource.of(database.dataSource());
        try (PostgresSessionStore store = store("batches", counting, s -> s.touchFlushInterval(QUIET).touchBatchSize(4))) {
            List<SessionData> sessions = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                SessionData s = Fixtures.session(T0).build();
                store.create(s);
                sessions.add(s);
            }
            Instant later = T0.plus(Duration.ofMinutes(10));
            counting.reset();

            for (SessionData s : sessions.subList(0, 4)) {
                store.touch(s.key(), new Touch(later, later.plus(Fixtures.IDLE_TIMEOUT)), later);
            }
            // a full batch wakes the thread long before the minute's interval; the bound only keeps a broken build from hanging
            for (int i = 0; i < 1_000 && store.touchCounts().orElseThrow().written() < 4; i++) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertThat(store.touchCounts().orElseThrow().written()).isEqualTo(4);
            assertThat(counting.counts().statements()).isEqualTo(1);

            for (SessionData s : sessions.subList(4, 10)) {
                store.touch(s.key(), new Touch(later, later.plus(Fixtures.IDLE_TIMEOUT)), later);
            }
            store.flush();
            assertThat(store.touchCounts().orElseThrow().written()).isEqualTo(10);
            assertThat(counting.counts().statements()).as("4, then 4 and 2").isEqualTo(3);
            for (SessionData s : sessions) {
                assertThat(store.load(s.key(), later).orElseThrow().lastAccessedAt()).isEqualTo(later);
            }
        }
    }

    /**
     * The database goes away with touches queued: flush fails (the touches stay queued, nothing is
     * dropped while within the bound, nothing is thrown at {@code touch}), and once it is back the
     * next flush writes them.
     */
    @Test
    @Timeout(180)
    void anOutageKeepsTheQueuedTouchesAndTheyAreWrittenWhenTheDatabaseReturns() throws Exception {
        try (PostgresFixture.RestartableServer server = PostgresFixture.restartableServer()) {
            PostgresStoreSettings settings = PostgresStoreSettings.builder().databaseUrl(server.jdbcUrl())
                    .connectTimeout(Duration.ofSeconds(1)).poolSize(2).touchFlushInterval(Duration.ofMillis(100)).build();
            try (PostgresSessionStore store = PostgresSessionStore.builder().settings(settings).build()) {
                List<SessionData> sessions = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    SessionData s = Fixtures.session(T0).build();
                    store.create(s);
                    sessions.add(s);
                }
                Instant later = T0.plus(Duration.ofMinutes(10));
                Touch touch = new Touch(later, later.plus(Fixtures.IDLE_TIMEOUT));

                server.stop();
                for (SessionData s : sessions) {
                    assertThat(store.touch(s.key(), touch, later)).as("no database call, nothing thrown").isTrue();
                }
                assertThatThrownBy(store::flush).isInstanceOfSatisfying(StoreUnavailableException.class,
                        e -> assertThat(e.operation()).isEqualTo("flush"));
                TouchQueue.Counts down = store.touchCounts().orElseThrow();
                assertThat(down.pending()).isEqualTo(3);
                assertThat(down.dropped()).isZero();
                assertThat(down.written()).isZero();

                server.start();
                flushWithin(store, Duration.ofSeconds(30));

                assertThat(store.touchCounts().orElseThrow()).isEqualTo(new TouchQueue.Counts(3, 3, 0, 0));
                for (SessionData s : sessions) {
                    assertThat(store.load(s.key(), later).orElseThrow().lastAccessedAt()).isEqualTo(later);
                }
            }
        }
    }

    @Test
    void closeWritesWhatIsQueued() {
        SessionData created = Fixtures.session(T0).build();
        Instant later = T0.plus(Duration.ofMinutes(10));
        try (PostgresSessionStore store = store("closing", database.dataSource(), s -> s.touchFlushInterval(QUIET))) {
            store.create(created);
            store.touch(created.key(), new Touch(later, later.plus(Fixtures.IDLE_TIMEOUT)), later);
        }
        try (PostgresSessionStore reopened = store("closing", database.dataSource(), s -> s)) {
            assertThat(reopened.load(created.key(), later).orElseThrow().lastAccessedAt()).isEqualTo(later);
        }
    }

    @Test
    void closingTheManagerFlushesAStoreItWasHanded() {
        MutableClock clock = MutableClock.create();
        try (PostgresSessionStore store = store("manager_close", database.dataSource(), s -> s.touchFlushInterval(QUIET))) {
            SessionSettings settings = SessionSettings.builder().touchInterval(Duration.ofMinutes(1)).build();
            String cookie;
            try (SessionManager manager = SessionManager.builder().settings(settings).store(store).clock(clock)
                    .sweeper(false).build()) {
                cookie = create(manager);
                clock.advance(Duration.ofMinutes(2));
                SessionContext context = manager.resolve(RequestInfo.ofCookie(cookie));
                assertThat(context.session()).isPresent();
                manager.commit(context);
                assertThat(store.touchCounts().orElseThrow().pending()).isEqualTo(1);
            }
            assertThat(store.touchCounts().orElseThrow().pending()).isZero();
            assertThat(store.findLive(clock.instant(), 10)).singleElement()
                    .satisfies(s -> assertThat(s.lastAccessedAt()).isEqualTo(clock.instant()));
        }
    }

    /**
     * A read-only request whose touch is due is one statement on the request thread, its
     * {@code SELECT} (against two in {@code sync} mode), and the flush writes the touch in one
     * statement and one round trip at the socket, every time (past pgjdbc's prepare threshold).
     */
    @Test
    void aReadOnlyRequestWithATouchDueIsOneStatementOnItsThreadAndTheFlushOneRoundTrip() {
        try (HikariDataSource pool = StatementCountTest.socketCountedPool(database.jdbcUrl(), 1)) {
            CountingDataSource counting = CountingDataSource.atSocket(pool);
            assertThat(requestCounts(counting, PostgresStoreSettings.TouchMode.WRITE_BEHIND))
                    .containsExactly(1L, 1L, 1L, 1L);
            assertThat(requestCounts(counting, PostgresStoreSettings.TouchMode.SYNC))
                    .containsExactly(2L, 2L, 0L, 0L);
        }
    }

    /** Statements and round trips of the request, then of the flush after it (the last of 7 runs; all runs alike). */
    private static List<Long> requestCounts(CountingDataSource counting, PostgresStoreSettings.TouchMode mode) {
        MutableClock clock = MutableClock.create();
        try (PostgresSessionStore store = store("counted_" + mode.name().toLowerCase(), counting,
                s -> s.touchMode(mode).touchFlushInterval(QUIET))) {
            SessionSettings settings = SessionSettings.builder().touchInterval(Duration.ofMinutes(1)).build();
            try (SessionManager manager = SessionManager.builder().settings(settings).store(store).clock(clock)
                    .sweeper(false).build()) {
                String cookie = create(manager);
                List<Long> counts = null;
                for (int run = 0; run < 7; run++) {
                    clock.advance(Duration.ofMinutes(2));
                    counting.reset();
                    SessionContext context = manager.resolve(RequestInfo.ofCookie(cookie));
                    assertThat(context.session()).isPresent();
                    CommitResult result = manager.commit(context);
                    assertThat(result.setCookie()).isEmpty();
                    CountingDataSource.Counts request = counting.counts();
                    store.flush();
                    CountingDataSource.Counts flush = counting.counts().minus(request);
                    List<Long> now = List.of(request.statements(), request.roundTrips(), flush.statements(),
                            flush.roundTrips());
                    assertThat(counts == null || counts.equals(now)).as("run %d: %s after %s", run, now, counts).isTrue();
                    counts = now;
                }
                assertThat(store.findLive(clock.instant(), 1).get(0).lastAccessedAt()).isEqualTo(clock.instant());
                return counts;
            }
        }
    }

    private static String create(SessionManager manager) {
        SessionContext visit = manager.resolve(RequestInfo.ofCookie(null));
        visit.getOrCreate().set("theme", "dark");
        String setCookie = manager.commit(visit).setCookie().orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /**
     * On a table of 100,000 sessions the batch finds its rows through the primary key and the
     * partial index on the previous key, and writes them by primary key: no sequential scan.
     */
    @Test
    void theBatchStatementUsesIndexLookupsOnABigTable() throws SQLException {
        String text = String.join("\n", explainBatchOnABigTable(database, "big_touch"));

        assertThat(text).as(text).doesNotContain("Seq Scan").contains("big_touch_pkey", "big_touch_previous_key_idx");
    }

    /**
     * {@code explain analyze} (in a transaction rolled back) of a batch of 1,000 touches on a new
     * table {@code name} of 100,000 live sessions, one in a hundred with a previous key in its grace.
     */
    static List<String> explainBatchOnABigTable(PostgresFixture.Database database, String name) throws SQLException {
        try (PostgresSessionStore store = store(name, database.dataSource(), s -> s)) {
            store.create(Fixtures.session(T0).build());
        }
        SessionTable table = new SessionTable(null, name);
        List<String> plan = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("insert into " + name + " (key, created_at, last_accessed_at, idle_expires_at,"
                        + " absolute_expires_at, idle_timeout_ms, status, previous_key, previous_key_expires_at)"
                        + " select sha256(int8send(i)), t, t, t + interval '30 minutes', t + interval '7 days', 1800000,"
                        + " 'active', case when i % 100 = 0 then sha256(int8send(-i)) end,"
                        + " case when i % 100 = 0 then t + interval '5 seconds' end"
                        + " from generate_series(1, 100000) i, (select timestamptz '2030-01-01 00:00:00+00' as t) x");
                statement.execute("analyze " + name);
            }
            int batch = 1_000;
            byte[][] keys = new byte[batch][];
            String[] times = new String[batch];
            try (PreparedStatement keysOf = connection.prepareStatement(
                    "select key from " + name + " order by key limit " + batch);
                    ResultSet rs = keysOf.executeQuery()) {
                for (int i = 0; rs.next(); i++) {
                    keys[i] = rs.getBytes(1);
                    times[i] = T0.plusSeconds(60).toString();
                }
            }
            connection.setAutoCommit(false);
            Sql sql = table.touchBatch;
            try (PreparedStatement explain = connection.prepareStatement("explain (analyze, costs off) " + sql.text())) {
                explain.setArray(sql.at("keys"), connection.createArrayOf("bytea", keys));
                explain.setArray(sql.at("lastAccessedAts"), connection.createArrayOf("timestamptz", times));
                explain.setArray(sql.at("idleExpiresAts"), connection.createArrayOf("timestamptz", times));
                explain.setArray(sql.at("nows"), connection.createArrayOf("timestamptz", times));
                try (ResultSet rs = explain.executeQuery()) {
                    while (rs.next()) {
                        plan.add(rs.getString(1));
                    }
                }
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        }
        return plan;
    }

    private static void flushWithin(PostgresSessionStore store, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                store.flush();
                return;
            } catch (StoreUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }
}
