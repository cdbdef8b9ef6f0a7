package dev.sessionkit.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.Touch;
import dev.sessionkit.postgres.PostgresSessionStore;
import dev.sessionkit.postgres.PostgresStoreSettings;
import dev.sessionkit.testkit.CountingDataSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongConsumer;

/**
 * The big-table run ({@code --big-table}, not part of the default run nor of {@code mvn verify}):
 * one sessionkit table filled with {@code insert … select … from generate_series} in steps up to
 * {@code --big-rows} rows (default 10 million), of which a tenth are live sessions, three tenths
 * expired active sessions, three tenths audit rows past the retention and three tenths audit rows
 * within it. At each step it times the per-request statements through {@link PostgresSessionStore}
 * (load, touch, apply, create), one purge batch of each purge form on the same data (each in a
 * transaction that is rolled back, so every form sees the same rows), a drain of committed purge
 * batches as the sweeper runs them, and writes the {@code EXPLAIN (ANALYZE, BUFFERS)} of the purge
 * forms to {@code big-table-report.md}.
 */
final class BigTable {

    static final String TABLE = "big_sessions";
    /** The sweeper's batch ({@code SessionSweeper.BATCH}); the store takes ten times as many audit rows. */
    static final int BATCH = 5_000;
    static final int AUDIT_BATCH = BATCH * 10;
    static final int WARMUP = 300;
    static final int SAMPLES = 2_000;
    static final int FILL_CHUNK = 1_000_000;
    static final Duration RETENTION = Duration.ofDays(30);

    /**
     * The purge forms compared on the same rows, {@code %1$s} the table. Parameters in order: now,
     * limit, audit cut-off, audit limit — the order of the store's own statement.
     */
    static final Map<String, String> PURGE_FORMS = new LinkedHashMap<>();

    static {
        PURGE_FORMS.put("ctid, unordered (up to 2f451bf)", "with \"expired\" as (delete from %1$s where ctid = any(array("
                + "select ctid from %1$s where status = 'active' and expires_at <= ? limit ? for update skip locked))"
                + " returning key), \"ended\" as (delete from %1$s where ctid = any(array(select ctid from %1$s"
                + " where status <> 'active' and logged_out_at < ? limit ? for update skip locked)) returning key)"
                + " select key from \"expired\"");
        PURGE_FORMS.put("ctid, oldest first (schema 2; expires_at is not indexed since schema 3)", "with \"expired\" as (delete from %1$s where ctid = any(array("
                + "select ctid from %1$s where status = 'active' and expires_at <= ? order by expires_at limit ?"
                + " for update skip locked)) returning key), \"ended\" as (delete from %1$s where ctid = any(array("
                + "select ctid from %1$s where status <> 'active' and logged_out_at < ? order by logged_out_at"
                + " limit ? for update skip locked)) returning key) select key from \"expired\"");
        PURGE_FORMS.put("key, oldest first (no ctid)", "with \"expired\" as (delete from %1$s where key = any(array("
                + "select key from %1$s where status = 'active' and expires_at <= ? order by expires_at limit ?"
                + " for update skip locked)) returning key), \"ended\" as (delete from %1$s where key = any(array("
                + "select key from %1$s where status <> 'active' and logged_out_at < ? order by logged_out_at"
                + " limit ? for update skip locked)) returning key) select key from \"expired\"");
    }

    private final HikariDataSource pool;
    private final CountingDataSource counting;
    private final PostgresSessionStore store;
    private final Instant now;
    private final StringBuilder report = new StringBuilder();
    private long filled;
    /** Whether the purge forms run with {@code synchronize_seqscans} off (set local, per batch). */
    private boolean syncScansOff;

    private BigTable(String jdbcUrl) {
        this.pool = BenchDatabase.pool(jdbcUrl, "big-table");
        this.counting = CountingDataSource.of(pool);
        this.store = PostgresSessionStore.builder().dataSource(counting)
                .settings(PostgresStoreSettings.builder().table(TABLE).build()).build();
        this.now = java.time.Clock.systemUTC().instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Fills in steps up to {@code rows} and measures at each; returns the Markdown report. */
    static Path run(String jdbcUrl, long rows, Path out, Map<String, String> machine)
            throws IOException, SQLException {
        BigTable big = new BigTable(jdbcUrl);
        try {
            big.report.append("# sessionkit big-table run\n\n");
            machine.forEach((k, v) -> big.report.append("- ").append(k).append(": ").append(v).append('\n'));
            big.report.append("- target rows: ").append(rows)
                    .append(" (1/10 live, 3/10 expired active, 3/10 audit past retention, 3/10 audit within)\n\n");
            for (long step : steps(rows)) {
                big.fillTo(step);
                big.measure();
            }
            big.drainFront();
        } finally {
            big.store.close();
            big.pool.close();
        }
        Files.createDirectories(out);
        Path md = out.resolve("big-table-report.md");
        Files.writeString(md, big.report.toString(), StandardCharsets.UTF_8);
        return md;
    }

    static List<Long> steps(long rows) {
        List<Long> steps = new ArrayList<>();
        for (long step : new long[] {rows / 10, rows * 3 / 10, rows}) {
            long rounded = step - step % 10;
            if (rounded > 0 && (steps.isEmpty() || steps.get(steps.size() - 1) < rounded)) {
                steps.add(rounded);
            }
        }
        return steps;
    }

    // ---------------------------------------------------------------- fill

    private void fillTo(long target) throws SQLException {
        // category c = i % 10: 0 live, 1–3 expired active, 4–6 audit past retention, 7–9 audit within;
        // o scatters the times so that physical order and expiry order differ, as in a real table
        String insert = "insert into " + TABLE + " (key, data, principal, created_at, last_accessed_at,"
                + " idle_expires_at, absolute_expires_at, idle_timeout_ms, ip, user_agent, status, logged_out_at, version,"
                + " sweep_at)"
                + " select sha256(int8send(i)), '{\"theme\":\"dark\",\"counter\":0,\"cart\":[101,202]}'::jsonb,"
                + " case when c = 0 then case when i % 50 = 0 then 'user-' || (i / 50 % 100000) end"
                + " when c >= 4 then 'user-' || (i % 100000) end,"
                + " ca, la, ie, ca + interval '7 days', 86400000, '10.0.0.1', 'bench',"
                + " case when c <= 3 then 'active' else 'logged_out' end, lo, 1, least(ie, ca + interval '7 days')"
                + " from (select i, c, ca, lo,"
                + "   case when c = 0 then n - (o % 43200) / 2 * interval '1 second' when c <= 3 then ca else lo end as la,"
                + "   case when c = 0 then n + interval '1 day' - (o % 43200) / 2 * interval '1 second'"
                + "        when c <= 3 then n - interval '1 minute' - (o % 604800) * interval '1 second'"
                + "        else lo + interval '1 day' end as ie"
                + "  from (select i, c, n, o,"
                + "     case when c = 0 then n - (o % 43200) * interval '1 second'"
                + "          when c <= 3 then n - interval '8 days' - (o % 604800) * interval '1 second'"
                + "          else lo - interval '1 hour' end as ca, lo"
                + "    from (select i, c, n, o,"
                + "       case when c between 4 and 6 then n - interval '31 days' - o * interval '1 second'"
                + "            when c >= 7 then n - interval '1 hour' - (o % 2505600) * interval '1 second' end as lo"
                + "      from (select i, i % 10 as c, ?::timestamptz as n, (i * 7919) % 5184000 as o"
                + "        from generate_series(?::bigint, ?::bigint) i) s0) s1) s2) s3";
        long t0 = System.nanoTime();
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(insert)) {
            for (long from = filled + 1; from <= target; from += FILL_CHUNK) {
                long to = Math.min(target, from + FILL_CHUNK - 1);
                ps.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                ps.setLong(2, from);
                ps.setLong(3, to);
                ps.executeUpdate();
                BenchMain.log("big table: inserted rows " + from + "–" + to);
            }
        }
        long t1 = System.nanoTime();
        Sql.execute(pool, "vacuum analyze " + TABLE);
        long t2 = System.nanoTime();
        BenchMain.log(String.format(Locale.ROOT, "big table: filled to %,d rows in %.1f s, vacuum analyze %.1f s",
                target, (t1 - t0) / 1e9, (t2 - t1) / 1e9));
        report.append(String.format(Locale.ROOT, "## %,d rows\n\nFilled %,d rows in %.1f s (%,.0f rows/s), "
                        + "`vacuum analyze` %.1f s.\n\n", target, target - filled, (t1 - t0) / 1e9,
                (target - filled) / ((t1 - t0) / 1e9), (t2 - t1) / 1e9));
        filled = target;
    }

    // ---------------------------------------------------------------- measure

    private void measure() throws SQLException {
        report.append(String.format(Locale.ROOT, "Table %s, indexes %s; rows: %s.\n\n", size("pg_table_size"),
                size("pg_indexes_size"), census()));
        requests();
        purgeForms();
        drain();
    }

    /**
     * The state a long sweep leaves: nothing left to purge in the first half of the heap. A batch
     * found by a sequential scan now reads that half first; one found through an index does not.
     */
    private void drainFront() throws SQLException {
        long pages;
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select pg_relation_size('" + TABLE + "') / current_setting('block_size')::int")) {
            rs.next();
            pages = rs.getLong(1);
        }
        long t0 = System.nanoTime();
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("delete from " + TABLE
                + " where ctid < ?::tid and ((status = 'active' and expires_at <= ?)"
                + " or (status <> 'active' and logged_out_at < ?))")) {
            ps.setString(1, "(" + pages / 2 + ",0)");
            ps.setObject(2, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            ps.setObject(3, OffsetDateTime.ofInstant(now.minus(RETENTION), ZoneOffset.UTC));
            ps.executeUpdate();
        }
        Sql.execute(pool, "vacuum analyze " + TABLE);
        BenchMain.log(String.format(Locale.ROOT, "big table: front half drained in %.1f s", (System.nanoTime() - t0) / 1e9));
        report.append(String.format(Locale.ROOT, "## %,d rows, after a long sweep\n\nEverything purgeable in the first"
                + " half of the heap (%,d of %,d pages) deleted, then `vacuum analyze`: the state a sweep that"
                + " works through a backlog leaves behind. Rows: %s.\n\n", filled, pages / 2, pages, census()));
        purgeForms();
        // a table over a quarter of shared_buffers gets synchronized scans: a sequential scan starts where
        // the last one was, not at the first page; on a server whose shared_buffers hold four times the
        // table, every scan starts at page 0 and reads the drained half first
        syncScansOff = true;
        report.append("The same with `synchronize_seqscans = off` (what a table smaller than a quarter of"
                + " `shared_buffers` gets: every sequential scan starts at the first page):\n\n");
        purgeForms();
        syncScansOff = false;
    }

    private void requests() {
        long live = filled / 10;
        JsonNodeFactory json = JsonNodeFactory.instance;
        SessionDelta increment = SessionDelta.builder().increment("counter", 1).build();
        Map<String, LongConsumer> statements = new LinkedHashMap<>();
        statements.put("load", i -> store.load(liveKey(i), now));
        statements.put("touch", i -> store.touch(liveKey(i), new Touch(now, now.plus(Duration.ofDays(1))), now));
        statements.put("apply (increment)", i -> store.apply(liveKey(i), increment, now));
        statements.put("create", i -> store.create(SessionData.builder().key(randomKey())
                .attributes(Map.of("theme", json.textNode("dark"), "counter", json.numberNode(0)))
                .createdAt(now).lastAccessedAt(now).idleExpiresAt(now.plus(Duration.ofDays(1)))
                .absoluteExpiresAt(now.plus(Duration.ofDays(7))).idleTimeout(Duration.ofDays(1))
                .ip("10.0.0.2").userAgent("bench").build()));
        report.append("| statement | median | p99 | mean | samples |\n|---|---|---|---|---|\n");
        for (Map.Entry<String, LongConsumer> statement : statements.entrySet()) {
            long[] nanos = new long[SAMPLES];
            for (int n = -WARMUP; n < SAMPLES; n++) {
                long i = 10 * (1 + ThreadLocalRandom.current().nextLong(live));
                long t0 = System.nanoTime();
                statement.getValue().accept(i);
                if (n >= 0) {
                    nanos[n] = System.nanoTime() - t0;
                }
            }
            java.util.Arrays.sort(nanos);
            double mean = java.util.Arrays.stream(nanos).average().orElse(Double.NaN) / 1e3;
            String row = String.format(Locale.ROOT, "| %s | %.0f µs | %.0f µs | %.0f µs | %d |", statement.getKey(),
                    nanos[SAMPLES / 2] / 1e3, nanos[(int) Math.ceil(0.99 * SAMPLES) - 1] / 1e3, mean, SAMPLES);
            report.append(row).append('\n');
            BenchMain.log("big table " + filled + ": " + row);
        }
        report.append('\n');
    }

    /** One batch of each form on the same rows, rolled back; three rounds, alternating; then one EXPLAIN each. */
    private void purgeForms() throws SQLException {
        Map<String, List<Double>> times = new LinkedHashMap<>();
        for (int round = 0; round < 3; round++) {
            for (Map.Entry<String, String> form : PURGE_FORMS.entrySet()) {
                times.computeIfAbsent(form.getKey(), k -> new ArrayList<>())
                        .add(rolledBack(String.format(Locale.ROOT, form.getValue(), TABLE), false).millis);
            }
        }
        report.append("One purge batch (").append(BATCH).append(" expired + ").append(AUDIT_BATCH)
                .append(" audit rows), each form on the same rows, rolled back, 3 rounds alternating:\n\n")
                .append("| form | batch, median [min–max] | expired / audit rows deleted | seq scan in plan |\n")
                .append("|---|---|---|---|\n");
        StringBuilder plans = new StringBuilder();
        for (Map.Entry<String, String> form : PURGE_FORMS.entrySet()) {
            Explained explained = rolledBack(String.format(Locale.ROOT, form.getValue(), TABLE), true);
            List<Double> ms = times.get(form.getKey());
            String row = String.format(Locale.ROOT, "| %s | %.0f ms [%.0f–%.0f] | %s | %s |", form.getKey(),
                    Results.median(ms), ms.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    ms.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), explained.deleted,
                    explained.plan.contains("Seq Scan") ? "**yes**" : "no");
            report.append(row).append('\n');
            BenchMain.log("big table " + filled + ": " + row);
            plans.append("`").append(form.getKey()).append("`:\n\n```\n").append(explained.plan).append("```\n\n");
        }
        report.append("\n<details><summary>EXPLAIN (ANALYZE, BUFFERS) at ").append(String.format(Locale.ROOT, "%,d", filled))
                .append(" rows</summary>\n\n").append(plans).append("</details>\n\n");
    }

    private record Explained(double millis, String deleted, String plan) {
    }

    private Explained rolledBack(String sql, boolean explain) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            if (syncScansOff) {
                try (Statement s = c.createStatement()) {
                    s.execute("set local synchronize_seqscans = off");
                }
            }
            try (PreparedStatement ps = c.prepareStatement(explain ? "explain (analyze, buffers, costs off) " + sql : sql)) {
                ps.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                ps.setInt(2, BATCH);
                ps.setObject(3, OffsetDateTime.ofInstant(now.minus(RETENTION), ZoneOffset.UTC));
                ps.setInt(4, AUDIT_BATCH);
                long t0 = System.nanoTime();
                StringBuilder plan = new StringBuilder();
                int rows = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        if (explain) {
                            plan.append(rs.getString(1)).append('\n');
                        }
                    }
                }
                double millis = (System.nanoTime() - t0) / 1e6;
                String deleted = explain ? deletedCounts(plan.toString()) : Integer.toString(rows);
                return new Explained(millis, deleted, plan.toString());
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }

    /** "expired / audit" from the two Delete nodes' actual rows. */
    private static String deletedCounts(String plan) {
        List<String> counts = new ArrayList<>();
        for (String line : plan.split("\n")) {
            if (line.contains("Delete on")) {
                int at = line.indexOf("rows=");
                counts.add(at < 0 ? "?" : line.substring(at + 5, line.indexOf(' ', at)));
            }
        }
        return String.join(" / ", counts);
    }

    /** Committed batches as the sweeper runs them, through the store: does a batch slow down as the backlog drains? */
    private void drain() throws SQLException {
        int batches = (int) Math.max(2, Math.min(8, filled * 3 / 10 / 2 / AUDIT_BATCH));
        List<String> ms = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            long t0 = System.nanoTime();
            int purged = store.purgeExpired(now, BATCH).size();
            ms.add(String.format(Locale.ROOT, "%.0f", (System.nanoTime() - t0) / 1e6));
            if (purged < BATCH) {
                break;
            }
        }
        report.append("The store's own purge (`purgeExpired(now, ").append(BATCH).append(")`), ").append(ms.size())
                .append(" committed batches in a row, ms each: ").append(String.join(", ", ms)).append(".\n\n");
        BenchMain.log("big table " + filled + ": drain ms " + ms);
        List<String> executed = counting.executed();
        if (!executed.isEmpty()) {
            Explained explained = rolledBack(executed.get(executed.size() - 1), true);
            report.append("EXPLAIN of the store's purge statement after the drain (rolled back; deleted ")
                    .append(explained.deleted).append("):\n\n```\n").append(explained.plan).append("```\n\n");
        }
        counting.reset();
    }

    // ---------------------------------------------------------------- helpers

    private String size(String function) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select pg_size_pretty(" + function + "('" + TABLE + "'))")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private String census() throws SQLException {
        String sql = "select count(*) filter (where status = 'active' and expires_at > ?),"
                + " count(*) filter (where status = 'active' and expires_at <= ?),"
                + " count(*) filter (where status <> 'active' and logged_out_at < ?),"
                + " count(*) filter (where status <> 'active' and logged_out_at >= ?) from " + TABLE;
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            OffsetDateTime n = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
            OffsetDateTime cut = OffsetDateTime.ofInstant(now.minus(RETENTION), ZoneOffset.UTC);
            ps.setObject(1, n);
            ps.setObject(2, n);
            ps.setObject(3, cut);
            ps.setObject(4, cut);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return String.format(Locale.ROOT, "%,d live, %,d expired, %,d audit past retention, %,d audit within",
                        rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
            }
        }
    }

    private static final HexFormat HEX = HexFormat.of();

    /** The key the fill gave row {@code i}: {@code sha256(int8send(i))}. */
    static LookupKey liveKey(long i) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(ByteBuffer.allocate(8).putLong(i).array());
            return new LookupKey(HEX.formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static LookupKey randomKey() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return new LookupKey(HEX.formatHex(bytes));
    }
}
