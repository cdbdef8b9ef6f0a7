package dev.sessionkit.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionkit.RequestInfo;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What announcing costs a login, measured, not asserted: rounds of 8 threads each running
 * visit, login, logout (create, {@code changeKey}, {@code end} through {@code SessionManager}),
 * alternating in one JVM on one durable embedded PostgreSQL, with events off and on (on: each
 * move and end queued for {@link EventAnnouncer}). Beside them, plain JDBC doing the same three
 * writes on a small table, once as they are and once with {@code pg_notify} in the two statements
 * that end or move the row, as sessionkit did before: that pair shows what PostgreSQL's
 * serialised commits of notifying transactions cost, whatever the store. Not part of
 * {@code mvn verify} (the name does not end in Test); run it with {@code mvn -B -o verify -pl
 * session-postgres -Dtest=AnnouncementMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * -Dmaven.javadoc.skip=true}.
 */
final class AnnouncementMeasurement {

    private static final String SECRET = "announcement-measurement-secret-0123456789-abcdefgh";
    private static final int THREADS = 8;
    private static final int ROUNDS = 10;
    private static final long ROUND_NANOS = 1_500_000_000L;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One cycle of visit, login and logout. */
    @FunctionalInterface
    private interface Cycle {
        void run() throws Exception;
    }

    @Test
    void measure() throws Exception {
        try (EmbeddedPostgres durable = EmbeddedPostgres.builder()
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
                HikariDataSource offPool = pool(durable.getJdbcUrl("postgres", "postgres"));
                HikariDataSource onPool = pool(durable.getJdbcUrl("postgres", "postgres"));
                HikariDataSource jdbcPool = pool(durable.getJdbcUrl("postgres", "postgres"));
                PostgresSessionStore off = PostgresSessionStore.builder().dataSource(offPool)
                        .settings(PostgresStoreSettings.builder().table("measured_off").events(false).build()).build();
                PostgresSessionStore on = PostgresSessionStore.builder().dataSource(onPool)
                        .settings(PostgresStoreSettings.builder().table("measured_on").events(true).build()).build()) {
            SessionSettings settings = SessionSettings.builder().secrets(SECRET).build();
            SessionManager offManager = SessionManager.builder().settings(settings).store(off).sweeper(false).build();
            SessionManager onManager = SessionManager.builder().settings(settings).store(on).sweeper(false).build();
            try (Connection c = jdbcPool.getConnection(); Statement s = c.createStatement()) {
                s.execute("create table plain (sid text primary key, sess jsonb not null, expire timestamptz not null)");
            }
            Map<String, Cycle> variants = new LinkedHashMap<>();
            variants.put("sessionkit, events off", () -> cycle(offManager));
            variants.put("sessionkit, events on (announcement queue)", () -> cycle(onManager));
            variants.put("plain JDBC", () -> plainCycle(jdbcPool, false));
            variants.put("plain JDBC, pg_notify in the statements", () -> plainCycle(jdbcPool, true));
            Map<String, List<Double>> rates = run(variants);
            List<String> report = new ArrayList<>();
            report.add("durable embedded PostgreSQL (fsync=on, synchronous_commit=on), " + THREADS
                    + " threads, visit + login + logout per cycle, " + ROUNDS + " rounds of "
                    + ROUND_NANOS / 1_000_000 + " ms alternating (the first of each is warm-up):");
            for (Map.Entry<String, List<Double>> variant : rates.entrySet()) {
                report.add(String.format(Locale.ROOT, "  %-45s %s cycles/s", variant.getKey(), spread(variant.getValue())));
            }
            report.add("  per-round ratios: events on / off " + ratios(rates.get("sessionkit, events on (announcement queue)"),
                    rates.get("sessionkit, events off")) + "; plain with pg_notify / plain "
                    + ratios(rates.get("plain JDBC, pg_notify in the statements"), rates.get("plain JDBC")));
            report.add("  announcer: " + on.announcerCounts().orElseThrow());
            System.out.println(String.join("\n", report));
        }
    }

    private static Map<String, List<Double>> run(Map<String, Cycle> variants) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        try {
            for (int round = 0; round <= ROUNDS; round++) {
                List<Map.Entry<String, Cycle>> order = new ArrayList<>(variants.entrySet());
                if (round % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (Map.Entry<String, Cycle> variant : order) {
                    long end = System.nanoTime() + ROUND_NANOS;
                    List<Future<Long>> counts = new ArrayList<>();
                    for (int t = 0; t < THREADS; t++) {
                        counts.add(threads.submit(() -> {
                            long cycles = 0;
                            while (System.nanoTime() < end) {
                                variant.getValue().run();
                                cycles++;
                            }
                            return cycles;
                        }));
                    }
                    long cycles = 0;
                    for (Future<Long> count : counts) {
                        cycles += count.get();
                    }
                    if (round > 0) {
                        rates.computeIfAbsent(variant.getKey(), k -> new ArrayList<>())
                                .add(cycles * 1e9 / ROUND_NANOS);
                    }
                }
            }
        } finally {
            threads.shutdownNow();
        }
        Map<String, List<Double>> inOrder = new LinkedHashMap<>();
        variants.keySet().forEach(name -> inOrder.put(name, rates.get(name)));
        return inOrder;
    }

    private static void cycle(SessionManager manager) {
        SessionContext visit = manager.resolve(RequestInfo.ofCookie(null));
        visit.getOrCreate().set("cart", List.of(1, 2, 3));
        String cookie = cookieOf(manager.commit(visit).setCookie().orElseThrow());
        SessionContext login = manager.resolve(RequestInfo.ofCookie(cookie));
        login.session().orElseThrow().login("user-" + RANDOM.nextInt(1_000_000));
        String signedIn = cookieOf(manager.commit(login).setCookie().orElseThrow());
        SessionContext logout = manager.resolve(RequestInfo.ofCookie(signedIn));
        logout.invalidate();
        manager.commit(logout);
    }

    private static String cookieOf(String setCookie) {
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /** INSERT, then the row's key rotated, then the row deleted; with {@code notify}, the last two announce. */
    private static void plainCycle(HikariDataSource pool, boolean notify) throws SQLException {
        String sid = newSid();
        String rotated = newSid();
        try (Connection c = pool.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into plain (sid, sess, expire) values (?, '{\"cart\":[1,2,3]}', now() + interval '1 day')")) {
                ps.setString(1, sid);
                ps.executeUpdate();
            }
            String move = "update plain set sid = ?, sess = sess || '{\"principal\":\"u\"}' where sid = ? returning sid";
            execute(c, notify ? "with done as (" + move + ") select pg_notify('plain', 'moved|' || sid) from done" : move,
                    rotated, sid);
            String end = "delete from plain where sid = ? returning sid";
            execute(c, notify ? "with done as (" + end + ") select pg_notify('plain', 'ended|' || sid) from done" : end,
                    rotated);
        }
    }

    private static void execute(Connection c, String sql, String... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setString(i + 1, values[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("the row is missing");
                }
            }
        }
    }

    private static String newSid() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static HikariDataSource pool(String jdbcUrl) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(THREADS);
        config.setMinimumIdle(THREADS);
        return new HikariDataSource(config);
    }

    private static String spread(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format(Locale.ROOT, "%,.0f [%,.0f–%,.0f]", sorted[sorted.length / 2], sorted[0],
                sorted[sorted.length - 1]);
    }

    private static String ratios(List<Double> a, List<Double> b) {
        double[] ratios = new double[a.size()];
        for (int i = 0; i < a.size(); i++) {
            ratios[i] = a.get(i) / b.get(i);
        }
        Arrays.sort(ratios);
        return String.format(Locale.ROOT, "%.2f× [%.2f–%.2f]", ratios[ratios.length / 2], ratios[0],
                ratios[ratios.length - 1]);
    }
}
