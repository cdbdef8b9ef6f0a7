package dev.sessionkit.postgres;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.Touch;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 18, item 2, measured, not asserted: on a durable embedded PostgreSQL (fsync, synchronous
 * commit and full-page writes on), the HOT share of touches and attribute writes
 * ({@code n_tup_hot_upd / n_tup_upd} of {@code pg_stat_user_tables}, read after the pool that
 * made them has closed, so every backend has reported its counts), the committed sweep batches at
 * 10,000 and at a million live sessions, and a sweep of 100,000 expired sessions against one raw
 * {@code DELETE} with read requests running beside both. It fills its tables without naming
 * {@code sweep_at} unless the table has it, so the same harness runs on schema 2 (before) and 3.
 *
 * <p>Not part of {@code mvn verify} (not a test). Run it from the test class path, e.g.
 * {@code java -cp session-postgres/target/test-classes:session-postgres/target/classes:$(cat cp.txt)
 * dev.sessionkit.postgres.HotExpiryMeasurement}; {@code -Dhot.rows=1000000}, {@code -Dhot.ops=3000},
 * {@code -Dhot.rounds=3}.
 */
final class HotExpiryMeasurement {

    private static final int BATCH = 5_000;
    private static final int EXPIRED = 20_000;
    private static final int DUE_LIVE = 10_000;
    private static final int SWEPT = 100_000;
    private static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");

    private final String url;
    private final List<String> report = new ArrayList<>();

    private HotExpiryMeasurement(String url) {
        this.url = url;
    }

    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("hot.rows", 1_000_000);
        int ops = Integer.getInteger("hot.ops", 3_000);
        int rounds = Integer.getInteger("hot.rounds", 3);
        Path data = Files.createTempDirectory("hot-pg-");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setServerConfig("max_connections", "50")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setPGStartupWait(Duration.ofSeconds(60))
                .setDataDirectory(data).setCleanDataDirectory(true)
                .start()) {
            HotExpiryMeasurement m = new HotExpiryMeasurement(postgres.getJdbcUrl("postgres", "postgres"));
            m.log("server: " + m.scalar("select version()") + "; fsync " + m.scalar("show fsync")
                    + ", synchronous_commit " + m.scalar("show synchronous_commit"));
            if ("migrate".equals(System.getProperty("hot.mode"))) {
                m.migration(rows);
            } else {
                List<String> tables = new ArrayList<>();
                for (long size : new long[] {10_000, rows}) {
                    m.bigTable("hot_" + size, size, ops);
                    tables.add("hot_" + size);
                }
                m.sweepRounds(tables, rounds);
                if (m.hasSweepAt(tables.get(1))) {
                    m.formsCompared(tables.get(1), rounds);
                }
                m.sweepAgainstDelete(rounds);
            }
            System.out.println("\n==== report\n" + String.join("\n", m.report));
        }
    }

    // ---------------------------------------------------------------- HOT and batches at one size

    private void bigTable(String table, long live, int ops) throws Exception {
        try (HikariDataSource pool = pool(4); PostgresSessionStore store = store(pool, table)) {
            long t0 = System.nanoTime();
            fill(pool, table, 1, live, "n - (i % 43200) * interval '1 second'", "created + interval '1 day'", null);
            execute(pool, "vacuum analyze " + table);
            log(String.format(Locale.ROOT, "%s: filled %,d live in %.1f s; table %s,"
                            + " indexes %s (%s)", table, live, (System.nanoTime() - t0) / 1e9,
                    scalar("select pg_size_pretty(pg_table_size('" + table + "'))"),
                    scalar("select pg_size_pretty(pg_indexes_size('" + table + "'))"),
                    scalar("select string_agg(indexname, ', ' order by indexname) from pg_indexes where tablename = '"
                            + table + "'")));
        }
        List<Long> keys = distinctRandom(live, ops);
        Instant later = NOW.plus(Duration.ofMinutes(1));
        Touch touch = new Touch(later, later.plus(Duration.ofDays(1)));
        JsonNodeFactory json = JsonNodeFactory.instance;
        hot(table, "touch", keys, (store, key) -> store.touch(key, touch, later));
        hot(table, "apply, set", keys, (store, key) ->
                store.apply(key, SessionDelta.builder().set("theme", json.textNode("light")).build(), later).isPresent());
        hot(table, "apply, increment", keys, (store, key) ->
                store.apply(key, SessionDelta.builder().increment("counter", 1).build(), later).isPresent());
        Instant later2 = later.plus(Duration.ofMinutes(6));
        hot(table, "apply, set + touch", keys, (store, key) -> store.apply(key, SessionDelta.builder()
                .set("theme", json.textNode("dark")).touch(new Touch(later2, later2.plus(Duration.ofDays(1)))).build(),
                later2).isPresent());
        explainFindLive(table);
    }

    private interface Op {
        boolean run(PostgresSessionStore store, LookupKey key);
    }

    private void hot(String table, String what, List<Long> keys, Op op) throws Exception {
        long[] before = updates(table);
        long done = 0;
        long t0 = System.nanoTime();
        try (HikariDataSource pool = pool(2); PostgresSessionStore store = store(pool, table)) {
            for (long i : keys) {
                if (op.run(store, key(i))) {
                    done++;
                }
            }
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        long[] after = awaitUpdates(table, before[0] + done);
        long upd = after[0] - before[0];
        long hot = after[1] - before[1];
        log(String.format(Locale.ROOT, "%s: %-20s %,d ok of %,d; n_tup_upd +%,d, n_tup_hot_upd +%,d: HOT %.1f %%"
                + " (%.0f µs/op)", table, what, done, keys.size(), upd, hot, 100.0 * hot / Math.max(1, upd),
                ms * 1e3 / keys.size()));
    }

    private void explainFindLive(String table) throws SQLException {
        SessionTable sessions = new SessionTable(null, table);
        Sql sql = sessions.findLive;
        StringBuilder plan = new StringBuilder();
        try (HikariDataSource pool = pool(1); Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement("explain (analyze, buffers) " + sql.text())) {
            PostgresSessionStore.setInstant(ps, sql.at("now"), NOW);
            ps.setInt(sql.at("limit"), 100);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plan.append("\n    ").append(rs.getString(1));
                }
            }
        }
        log(table + ": findLive(now, 100):" + plan);
    }

    /**
     * Rounds, the tables in alternating order: each gets {@value #EXPIRED} expired sessions and
     * {@value #DUE_LIVE} live ones past their first expiry (touched since), then is swept with
     * {@code purgeExpired(now, 5000)} calls as the sweeper makes them. The expired are due first
     * (older), so the first calls delete 5,000 each and the last one moves the touched ones.
     */
    private void sweepRounds(List<String> tables, int rounds) throws Exception {
        java.util.Map<String, List<Double>> deleting = new java.util.LinkedHashMap<>();
        java.util.Map<String, List<Double>> last = new java.util.LinkedHashMap<>();
        Instant now = NOW.plus(Duration.ofMinutes(10));
        for (int round = 0; round < rounds; round++) {
            List<String> order = new ArrayList<>(tables);
            if (round % 2 == 1) {
                Collections.reverse(order);
            }
            for (String table : order) {
                long from = 100_000_000L * (round + 1);
                try (HikariDataSource pool = pool(2); PostgresSessionStore store = store(pool, table)) {
                    fill(pool, table, from, from + EXPIRED - 1, "n - interval '2 days' - (i % 3600) * interval '1 second'",
                            "created + interval '1 day'", null);
                    fill(pool, table, from + EXPIRED, from + EXPIRED + DUE_LIVE - 1,
                            "n - interval '36 hours' - (i % 3600) * interval '1 second'", "n + interval '12 hours'",
                            "created + interval '1 day'");
                    execute(pool, "vacuum analyze " + table);
                    List<String> calls = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        long t0 = System.nanoTime();
                        int n = store.purgeExpired(now, BATCH).size();
                        double ms = (System.nanoTime() - t0) / 1e6;
                        calls.add(String.format(Locale.ROOT, "%.0f ms (%d)", ms, n));
                        (n == BATCH ? deleting : last).computeIfAbsent(table, t -> new ArrayList<>()).add(ms);
                        if (n < BATCH) {
                            break;
                        }
                    }
                    log(String.format(Locale.ROOT, "%s round %d: purgeExpired(now, %d) calls: %s; %s active rows"
                                    + " left due by expiry", table, round + 1, BATCH, String.join(", ", calls),
                            scalar("select count(*) from " + table + " where status = 'active' and expires_at <= '"
                                    + OffsetDateTime.ofInstant(now, ZoneOffset.UTC) + "'")));
                }
            }
        }
        for (String table : tables) {
            log(String.format(Locale.ROOT, "%s: calls that deleted %d: median %.0f ms of %d %s; the last call (moves"
                            + " the %,d touched): median %.0f ms %s", table, BATCH, median(deleting.get(table)),
                    deleting.get(table).size(), rounded(deleting.get(table)), DUE_LIVE, median(last.get(table)),
                    rounded(last.get(table))));
        }
    }

    /**
     * The purge statement of schema 2 (due rows by the expires_at index) against this one, on the
     * same rows of one table, each batch in a transaction that is rolled back, alternating: 5,000
     * expired rows, then, for this one, a batch of 5,000 live rows whose sweep_at has passed. The
     * old index is made for the comparison and dropped after it. No notifications in either.
     */
    private void formsCompared(String table, int rounds) throws Exception {
        String old = "with \"expired\" as (delete from " + table + " where ctid = any(array(select ctid from " + table
                + " where status = 'active' and expires_at <= ? order by expires_at limit ?)) and status = 'active'"
                + " and expires_at <= ? returning key), \"ended\" as (delete from " + table + " where ctid = any(array("
                + "select ctid from " + table + " where status <> 'active' and logged_out_at < ? order by logged_out_at"
                + " limit ?)) returning key) select key from \"expired\"";
        Sql current = new SessionTable(null, table, false).purge;
        Instant now = NOW.plus(Duration.ofMinutes(10));
        List<Double> oldMs = new ArrayList<>();
        List<Double> newMs = new ArrayList<>();
        List<Double> moveMs = new ArrayList<>();
        try (HikariDataSource pool = pool(1)) {
            long from = 900_000_000L;
            fill(pool, table, from, from + EXPIRED - 1, "n - interval '2 days' - (i % 3600) * interval '1 second'",
                    "created + interval '1 day'", null);
            fill(pool, table, from + EXPIRED, from + EXPIRED + DUE_LIVE - 1,
                    "n - interval '36 hours' - (i % 3600) * interval '1 second'", "n + interval '12 hours'",
                    "created + interval '1 day'");
            execute(pool, "create index hot_old_expires_idx on " + table + " (expires_at) where status = 'active'");
            execute(pool, "vacuum analyze " + table);
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                for (int round = 0; round < rounds; round++) {
                    for (boolean oldFirst : new boolean[] {round % 2 == 0, round % 2 == 1}) {
                        long t0 = System.nanoTime();
                        int n = 0;
                        if (oldFirst) {
                            try (PreparedStatement ps = c.prepareStatement(old)) {
                                PostgresSessionStore.setInstant(ps, 1, now);
                                ps.setInt(2, BATCH);
                                PostgresSessionStore.setInstant(ps, 3, now);
                                PostgresSessionStore.setInstant(ps, 4, now.minus(Duration.ofDays(30)));
                                ps.setInt(5, BATCH * 10);
                                try (ResultSet rs = ps.executeQuery()) {
                                    while (rs.next()) {
                                        n++;
                                    }
                                }
                            }
                            oldMs.add((System.nanoTime() - t0) / 1e6);
                        } else {
                            n = runCurrent(c, current, now, BATCH);
                            newMs.add((System.nanoTime() - t0) / 1e6);
                        }
                        c.rollback();
                        if (n != BATCH) {
                            throw new IllegalStateException("a batch of " + n);
                        }
                    }
                    // this form's batch of live due rows: the expired ones deleted first, in the same transaction
                    runCurrent(c, current, now, EXPIRED);
                    long t0 = System.nanoTime();
                    runCurrent(c, current, now, BATCH);
                    moveMs.add((System.nanoTime() - t0) / 1e6);
                    c.rollback();
                }
            }
            execute(pool, "drop index hot_old_expires_idx");
            execute(pool, "delete from " + table + " where key in (select key from " + table + " where status = 'active'"
                    + " and expires_at <= '" + OffsetDateTime.ofInstant(now, ZoneOffset.UTC) + "')");
        }
        log(String.format(Locale.ROOT, "%s: one batch of %d expired, same rows, rolled back: schema 2's statement"
                        + " median %.0f ms %s, schema 3's median %.0f ms %s (%.2fx); schema 3, a batch of %d touched"
                        + " rows moved: median %.0f ms %s", table, BATCH, median(oldMs), rounded(oldMs), median(newMs),
                rounded(newMs), median(newMs) / median(oldMs), BATCH, median(moveMs), rounded(moveMs)));
    }

    /** Runs this code's purge statement once; returns the expired keys it returned. */
    private static int runCurrent(Connection c, Sql sql, Instant now, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.text())) {
            for (String name : new String[] {"now", "nowDue", "nowAgain", "nowDueLive", "nowLive", "nowLiveAgain"}) {
                PostgresSessionStore.setInstant(ps, sql.at(name), now);
            }
            ps.setInt(sql.at("limit"), limit);
            PostgresSessionStore.setInstant(ps, sql.at("auditCutoff"), now.minus(Duration.ofDays(30)));
            ps.setInt(sql.at("auditLimit"), BATCH * 10);
            int n = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getBytes(1) != null) {
                        n++;
                    }
                }
            }
            return n;
        }
    }

    private boolean hasSweepAt(String table) throws SQLException {
        return !"0".equals(scalar("select count(*) from information_schema.columns where table_name = '" + table
                + "' and column_name = 'sweep_at'"));
    }

    private static String rounded(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList().toString();
    }

    // ---------------------------------------------------------------- sweep against one DELETE

    private void sweepAgainstDelete(int rounds) throws Exception {
        String table = "hot_sweep";
        int live = 10_000;
        List<Double> sweeps = new ArrayList<>();
        List<Double> deletes = new ArrayList<>();
        try (HikariDataSource pool = pool(6); PostgresSessionStore store = store(pool, table)) {
            fill(pool, table, 1, live, "n - (i % 43200) * interval '1 second'", "created + interval '1 day'", null);
            for (int round = 0; round < rounds; round++) {
                for (boolean raw : new boolean[] {round % 2 == 1, round % 2 == 0}) {
                    execute(pool, "delete from " + table + " where key in (select key from " + table
                            + " where status = 'active' and expires_at <= '" + OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC)
                            + "')");
                    long from = 1_000_000L * (round + 1) + (raw ? 500_000 : 0);
                    fill(pool, table, from, from + SWEPT - 1, "n - interval '2 days' - (i % 3600) * interval '1 second'",
                            "created + interval '1 day'", null);
                    execute(pool, "vacuum analyze " + table);
                    AtomicBoolean running = new AtomicBoolean(true);
                    AtomicLong requests = new AtomicLong();
                    AtomicLong errors = new AtomicLong();
                    List<Thread> loop = new ArrayList<>();
                    for (int t = 0; t < 2; t++) {
                        Thread thread = new Thread(() -> {
                            while (running.get()) {
                                try {
                                    store.load(key(1 + ThreadLocalRandom.current().nextLong(live)), NOW);
                                    requests.incrementAndGet();
                                } catch (RuntimeException e) {
                                    errors.incrementAndGet();
                                }
                            }
                        });
                        thread.start();
                        loop.add(thread);
                    }
                    Thread.sleep(500);
                    long t0 = System.nanoTime();
                    long gone;
                    if (raw) {
                        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                                "delete from " + table + " where status = 'active' and expires_at <= ?")) {
                            PostgresSessionStore.setInstant(ps, 1, NOW);
                            gone = ps.executeUpdate();
                        }
                    } else {
                        gone = 0;
                        for (int n = BATCH; n == BATCH; ) {
                            n = store.purgeExpired(NOW, BATCH).size();
                            gone += n;
                        }
                    }
                    double ms = (System.nanoTime() - t0) / 1e6;
                    running.set(false);
                    for (Thread thread : loop) {
                        thread.join();
                    }
                    (raw ? deletes : sweeps).add(ms);
                    log(String.format(Locale.ROOT, "hot_sweep round %d: %s %,d rows in %.0f ms; %,d loads beside it,"
                            + " %d errors", round + 1, raw ? "raw DELETE" : "sweep", gone, ms, requests.get(), errors.get()));
                }
            }
        }
        double sweep = median(sweeps);
        double delete = median(deletes);
        log(String.format(Locale.ROOT, "hot_sweep: %,d expired among %,d live: sweep median %.0f ms %s, raw DELETE"
                + " median %.0f ms %s: %.2fx", SWEPT, live, sweep, sweeps, delete, deletes, sweep / delete));
    }

    // ---------------------------------------------------------------- schema 2 to 3

    /**
     * {@code -Dhot.mode=migrate}: a schema-2 table (the shipped V1 and V2 scripts) of {@code rows}
     * sessions, a tenth of them expired, migrated by the store at start-up; then the first sweep,
     * which visits every active row once (they read '-infinity').
     */
    private void migration(long rows) throws Exception {
        StringBuilder scripts = new StringBuilder();
        for (String script : new String[] {"V1__create_sessions.sql", "V2__renewal_and_replaced.sql"}) {
            try (java.io.InputStream in = HotExpiryMeasurement.class.getResourceAsStream("/db/sessionkit/" + script)) {
                scripts.append(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).append('\n');
            }
        }
        try (HikariDataSource pool = pool(4)) {
            execute(pool, scripts.toString());
            long t0 = System.nanoTime();
            long expired = rows / 10;
            fill(pool, "sessions", 1, rows - expired, "n - (i % 43200) * interval '1 second'", "created + interval '1 day'",
                    null);
            fill(pool, "sessions", rows - expired + 1, rows, "n - interval '2 days' - (i % 3600) * interval '1 second'",
                    "created + interval '1 day'", null);
            execute(pool, "vacuum analyze sessions");
            log(String.format(Locale.ROOT, "schema 2 table: %,d sessions (%,d expired) in %.1f s; table %s, indexes %s",
                    rows, expired, (System.nanoTime() - t0) / 1e9, scalar("select pg_size_pretty(pg_table_size('sessions'))"),
                    scalar("select pg_size_pretty(pg_indexes_size('sessions'))")));
            String relfilenode = scalar("select relfilenode from pg_class where relname = 'sessions'");
            long t1 = System.nanoTime();
            try (PostgresSessionStore store = PostgresSessionStore.builder().dataSource(pool)
                    .settings(PostgresStoreSettings.builder().build()).build()) {
                long t2 = System.nanoTime();
                log(String.format(Locale.ROOT, "migration to schema 3 at start-up: %.1f s (%s; table rewritten: %s)",
                        (t2 - t1) / 1e9, scalar("select obj_description('sessions'::regclass, 'pg_class')"),
                        !relfilenode.equals(scalar("select relfilenode from pg_class where relname = 'sessions'"))));
                long purged = 0;
                int calls = 0;
                List<Double> slowest = new ArrayList<>();
                for (int n = BATCH; n == BATCH; calls++) {
                    long c0 = System.nanoTime();
                    n = store.purgeExpired(NOW, BATCH).size();
                    slowest.add((System.nanoTime() - c0) / 1e6);
                    purged += n;
                }
                Collections.sort(slowest);
                log(String.format(Locale.ROOT, "first sweep after the migration: %,d purged in %d calls, %.1f s;"
                                + " call median %.0f ms, slowest %.0f ms; rows still at -infinity: %s; table %s",
                        purged, calls, (System.nanoTime() - t2) / 1e9, median(slowest), slowest.get(slowest.size() - 1),
                        scalar("select count(*) from sessions where sweep_at = '-infinity'"),
                        scalar("select pg_size_pretty(pg_table_size('sessions'))")));
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Inserts sessions {@code from..to}: created at {@code created} (SQL over {@code n}, now, and
     * {@code i}), idle expiry {@code idle}, and, when the table has {@code sweep_at}, that set to
     * {@code sweepAt} (null: the session's expiry, as a create sets it).
     */
    private void fill(HikariDataSource pool, String table, long from, long to, String created, String idle,
            String sweepAt) throws SQLException {
        boolean sweepColumn = !"0".equals(scalar("select count(*) from information_schema.columns where table_name = '"
                + table + "' and column_name = 'sweep_at'"));
        String sql = "insert into " + table + " (key, data, created_at, last_accessed_at, idle_expires_at,"
                + " absolute_expires_at, idle_timeout_ms, ip, user_agent, status, version"
                + (sweepColumn ? ", sweep_at" : "") + ")"
                + " select sha256(int8send(i)), '{\"theme\":\"dark\",\"counter\":0,\"cart\":[101,202]}'::jsonb,"
                + " created, greatest(created, idle - interval '1 day'), idle, created + interval '7 days', 86400000,"
                + " '10.0.0.1', 'measurement', 'active', 1"
                + (sweepColumn ? ", least(" + (sweepAt == null ? "idle" : sweepAt) + ", created + interval '7 days')" : "")
                + " from (select i, n, created, " + idle + " as idle from (select i, n, " + created + " as created"
                + " from generate_series(?::bigint, ?::bigint) i, (select ?::timestamptz as n) x) a) b";
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, from);
            ps.setLong(2, to);
            PostgresSessionStore.setInstant(ps, 3, NOW);
            ps.executeUpdate();
        }
    }

    private long[] updates(String table) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("select pg_stat_clear_snapshot()");
            try (ResultSet rs = s.executeQuery("select n_tup_upd, n_tup_hot_upd from pg_stat_user_tables"
                    + " where relname = '" + table + "'")) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : new long[] {0, 0};
            }
        }
    }

    /** Polls until the statistics collector has counted {@code expected} updates (the pool closed: all reported). */
    private long[] awaitUpdates(String table, long expected) throws Exception {
        long[] now = updates(table);
        for (int i = 0; i < 100 && now[0] < expected; i++) {
            Thread.sleep(100);
            now = updates(table);
        }
        return now;
    }

    private static List<Long> distinctRandom(long bound, int count) {
        List<Long> all = new ArrayList<>();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        while (all.size() < Math.min(count, bound)) {
            long i = 1 + ThreadLocalRandom.current().nextLong(bound);
            if (seen.add(i)) {
                all.add(i);
            }
        }
        Collections.shuffle(all);
        return all;
    }

    private static LookupKey key(long i) {
        try {
            byte[] bytes = java.nio.ByteBuffer.allocate(8).putLong(i).array();
            return SessionRows.key(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private HikariDataSource pool(int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setPoolName("hot-measurement");
        return new HikariDataSource(config);
    }

    private static PostgresSessionStore store(HikariDataSource pool, String table) {
        return PostgresSessionStore.builder().dataSource(pool)
                .settings(PostgresStoreSettings.builder().table(table).build()).build();
    }

    private String scalar(String sql) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(HikariDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
    }

    private void log(String line) {
        System.out.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + line);
        report.add(line);
    }
}
