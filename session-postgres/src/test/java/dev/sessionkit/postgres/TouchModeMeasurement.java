package dev.sessionkit.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionkit.RequestInfo;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.testkit.CountingDataSource;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Read-only requests whose touch is due, {@code sync} against {@code write-behind}, measured, not
 * asserted: {@code SessionManager.resolve} and {@code commit} over sessions that all fall due at
 * once (the clock moves past the touch interval before each round), in one JVM on one database,
 * rounds of the two modes alternating. Statements and round trips per request are counted at the
 * socket, the write-behind batches included; throughput counts the requests and, for write-behind,
 * the flush that writes the last of their touches. Not part of {@code mvn verify} (the name does
 * not end in Test); it runs on a durable embedded PostgreSQL of its own, then on the tests' one. Run it with {@code mvn -B -o verify -pl session-postgres -am
 * -Dtest=TouchModeMeasurement -Dsurefire.failIfNoSpecifiedTests=false -Dmaven.javadoc.skip=true}.
 */
final class TouchModeMeasurement {

    private static final String SECRET = "touch-measurement-secret-0123456789-abcdefghijkl";
    private static final int SESSIONS = 2_000;
    private static final int ROUNDS = 6;
    private static final int THREADS = 4;

    @Test
    void measure() throws Exception {
        List<String> report = new ArrayList<>();
        // durable: PostgreSQL's defaults, every autocommit UPDATE waits for its WAL flush
        try (EmbeddedPostgres durable = EmbeddedPostgres.builder()
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start()) {
            report.add("durable embedded PostgreSQL (fsync=on, synchronous_commit=on):");
            report.addAll(run(durable.getJdbcUrl("postgres", "postgres")));
        }
        try (PostgresFixture.Database database = PostgresFixture.freshDatabase()) {
            report.add("the tests' PostgreSQL (" + PostgresFixture.mode() + "; embedded: fsync=off, synchronous_commit=off):");
            report.addAll(run(database.jdbcUrl()));
            report.add("the batch of 1,000 on 100,000 rows:");
            report.addAll(WriteBehindTouchTest.explainBatchOnABigTable(database, "measured_plan"));
        }
        System.out.println(String.join("\n", report));
    }

    private static List<String> run(String jdbcUrl) throws Exception {
        List<String> report = new ArrayList<>();
        try (HikariDataSource pool = StatementCountTest.socketCountedPool(jdbcUrl, THREADS + 1)) {
            CountingDataSource counting = CountingDataSource.atSocket(pool);
            for (PostgresStoreSettings.TouchMode mode : PostgresStoreSettings.TouchMode.values()) {
                report.add(counts(counting, mode));
            }
        }
        try (HikariDataSource pool = pool(jdbcUrl, THREADS + 1)) {
            report.addAll(throughput(pool));
        }
        return report;
    }

    /** Statements and round trips per request, over 1,000 requests that each have a touch due, flushes included. */
    private static String counts(CountingDataSource counting, PostgresStoreSettings.TouchMode mode) {
        MutableClock clock = MutableClock.create();
        try (Side side = new Side("counted_" + mode.text().replace('-', '_'), counting, mode, clock)) {
            String[] cookies = side.seed(1_000);
            clock.advance(Duration.ofMinutes(2));
            counting.reset();
            for (String cookie : cookies) {
                side.request(cookie);
            }
            CountingDataSource.Counts requests = counting.counts();
            side.store.flush();
            CountingDataSource.Counts all = counting.counts();
            return String.format(Locale.ROOT, "%-12s per read-only request with a touch due: %.3f statements, %.3f round"
                    + " trips (on the request threads: %.3f statements)", mode.text(),
                    all.statements() / (double) cookies.length, all.roundTrips() / (double) cookies.length,
                    requests.statements() / (double) cookies.length);
        }
    }

    /** Rounds of both modes, alternating (the order flips each round), {@value #THREADS} request threads. */
    private static List<String> throughput(DataSource pool) throws Exception {
        MutableClock clock = MutableClock.create();
        List<String> lines = new ArrayList<>();
        try (Side sync = new Side("timed_sync", pool, PostgresStoreSettings.TouchMode.SYNC, clock);
                Side behind = new Side("timed_write_behind", pool, PostgresStoreSettings.TouchMode.WRITE_BEHIND, clock)) {
            String[] syncCookies = sync.seed(SESSIONS);
            String[] behindCookies = behind.seed(SESSIONS);
            ExecutorService threads = Executors.newFixedThreadPool(THREADS);
            try {
                // warm-up: one round each
                clock.advance(Duration.ofMinutes(2));
                round(threads, sync, syncCookies);
                round(threads, behind, behindCookies);
                double[] syncRates = new double[ROUNDS];
                double[] behindRates = new double[ROUNDS];
                for (int r = 0; r < ROUNDS; r++) {
                    clock.advance(Duration.ofMinutes(2)); // every session's touch is due again
                    if (r % 2 == 0) {
                        syncRates[r] = round(threads, sync, syncCookies);
                        behindRates[r] = round(threads, behind, behindCookies);
                    } else {
                        behindRates[r] = round(threads, behind, behindCookies);
                        syncRates[r] = round(threads, sync, syncCookies);
                    }
                    lines.add(String.format(Locale.ROOT, "round %d: sync %.0f requests/s, write-behind %.0f requests/s,"
                            + " ratio %.2f", r + 1, syncRates[r], behindRates[r], behindRates[r] / syncRates[r]));
                }
                lines.add(String.format(Locale.ROOT, "median of %d rounds (%d sessions, %d threads, every touch due):"
                        + " sync %.0f requests/s, write-behind %.0f requests/s (flush included), ratio %.2f", ROUNDS,
                        SESSIONS, THREADS, median(syncRates), median(behindRates),
                        median(ratios(behindRates, syncRates))));
                lines.add("write-behind queue: " + behind.store.touchCounts().orElseThrow());
            } finally {
                threads.shutdownNow();
            }
        }
        return lines;
    }

    /** Requests per second over every cookie, on the threads; for write-behind, the final flush is inside the time. */
    private static double round(ExecutorService threads, Side side, String[] cookies) throws Exception {
        long start = System.nanoTime();
        List<Future<?>> parts = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int offset = t;
            parts.add(threads.submit(() -> {
                for (int i = offset; i < cookies.length; i += THREADS) {
                    side.request(cookies[i]);
                }
                return null;
            }));
        }
        for (Future<?> part : parts) {
            part.get();
        }
        side.store.flush();
        return cookies.length / ((System.nanoTime() - start) / 1e9);
    }

    private static double[] ratios(double[] a, double[] b) {
        double[] ratios = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            ratios[i] = a[i] / b[i];
        }
        return ratios;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static HikariDataSource pool(String jdbcUrl, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }

    /** One store in one touch mode on its own table, and a manager on it. */
    private static final class Side implements AutoCloseable {

        final PostgresSessionStore store;
        final SessionManager manager;

        Side(String table, DataSource dataSource, PostgresStoreSettings.TouchMode mode, MutableClock clock) {
            this.store = PostgresSessionStore.builder()
                    .settings(PostgresStoreSettings.builder().table(table).touchMode(mode).build())
                    .dataSource(dataSource)
                    .build();
            this.manager = SessionManager.builder()
                    .settings(SessionSettings.builder().secrets(SECRET).touchInterval(Duration.ofMinutes(1)).build())
                    .store(store).clock(clock).sweeper(false).build();
        }

        String[] seed(int sessions) {
            String[] cookies = new String[sessions];
            for (int i = 0; i < sessions; i++) {
                SessionContext visit = manager.resolve(RequestInfo.ofCookie(null));
                visit.getOrCreate().set("theme", "dark");
                String setCookie = manager.commit(visit).setCookie().orElseThrow();
                cookies[i] = setCookie.substring(0, setCookie.indexOf(';'));
            }
            return cookies;
        }

        void request(String cookie) {
            SessionContext context = manager.resolve(RequestInfo.ofCookie(cookie));
            if (context.session().flatMap(s -> s.get("theme", String.class)).isEmpty()) {
                throw new IllegalStateException("seeded session missing");
            }
            manager.commit(context);
        }

        @Override
        public void close() {
            manager.close();
            store.close();
        }
    }
}
