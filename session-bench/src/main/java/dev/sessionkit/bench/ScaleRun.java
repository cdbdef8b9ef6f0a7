package dev.sessionkit.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionkit.RequestInfo;
import dev.sessionkit.Session;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionInstrumentation;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionStore;
import dev.sessionkit.postgres.PostgresSessionStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;

/**
 * The scale mode ({@code --sessions=N}, issue 18): every contender's tables seeded in bulk with N
 * live sessions ({@link ScaleSeeder}), then, at {@link BenchDatabase#POOL_SIZE} client threads and
 * in alternating rounds ({@link Interleaved#rounds}), read-only and modifying requests on sessions
 * picked uniformly at random from all N, for sessionkit, raw JDBC and Spring Session JDBC; then the
 * expiry sweep at N live sessions against the same sweep at {@value #SMALL_SESSIONS}.
 *
 * <p>Phases:
 * <ul>
 *   <li><b>steady</b>: sessionkit's seeded last accesses are spread over one touch interval before
 *       the seeding (the contender's default settings: 5 minutes), so touches fall due as time
 *       passes, as in a running system; the report gives the seconds between the seeding and each
 *       phase, since the share of due sessions grows with it.</li>
 *   <li><b>backlog</b>: every session's touch is due at the start, as after a deploy or a restart
 *       of every instance. sessionkit's manager runs on a clock set forward by one touch interval
 *       per backlog phase (the database is not touched; its expiries lie a day ahead), so every
 *       session last written before the phase is due, and each session's first request in the
 *       phase writes its touch. Raw JDBC and Spring Session write on every request anyway.</li>
 * </ul>
 *
 * <p>For each phase: operations per second per contender and round, the ratio of sessionkit to
 * each peer per round (median and range), sessionkit's store calls per request (touches and
 * applies, counted by a {@link SessionInstrumentation} on its managers), the share of its requests
 * that moved the session's expiry (its last access changed by the commit), and from
 * {@code pg_stat_user_tables} the rows each table updated and how many of those updates were HOT.
 * The sweep part times every batch the sweeper runs ({@code SessionManager.sweepNow()}, the PURGE
 * calls of its instrumentation) on N live sessions plus {@code expired} expired ones, and on
 * {@value #SMALL_SESSIONS} live plus the same expired, in alternating rounds; raw JDBC's one
 * {@code DELETE} and Spring Session's {@code cleanUpExpiredSessions()} at N for scale.
 *
 * <p>Writes {@value #MARKDOWN} and {@value #JSON} to the output directory.
 */
final class ScaleRun {

    static final String MARKDOWN = "scale-report.md";
    static final String JSON = "scale-report.json";
    /** The size the sweep at N is compared with: the default bench's. */
    static final int SMALL_SESSIONS = BenchConfig.DEFAULT_SESSIONS;

    private ScaleRun() {
    }

    /**
     * What to run.
     *
     * @param sessions     live sessions per contender
     * @param threads      client threads
     * @param warmups      unrecorded rounds per phase
     * @param rounds       recorded rounds per phase
     * @param sliceMillis  length of one side's turn in a round
     * @param expired      expired sessions added before each sweep round
     * @param sweepRounds  sweep rounds per size
     * @param smallSessions live sessions of the sweep's comparison table
     */
    record Options(int sessions, int threads, int warmups, int rounds, long sliceMillis, int expired, int sweepRounds,
            int smallSessions) {

        static Options full(int sessions) {
            return new Options(sessions, BenchDatabase.POOL_SIZE, 1, 8, 1500, 50_000, 3, SMALL_SESSIONS);
        }

        /** Small and short, for the smoke test: checks the counts, measures nothing. */
        static Options smoke(int sessions) {
            return new Options(sessions, 2, 0, 2, 150, 1_000, 1, 500);
        }
    }

    /** A contender's operations per second in each recorded round of a phase. */
    record SideRates(String contender, List<Double> rates, double median, double min, double max) {
    }

    /** sessionkit / a peer, per round. */
    record Ratio(String versus, List<Double> ratios, double median, double min, double max) {
    }

    /** One table's update counters over a phase, from {@code pg_stat_user_tables}. */
    record TableUpdates(String table, long updated, long hotUpdated) {

        double hotShare() {
            return updated == 0 ? Double.NaN : hotUpdated / (double) updated;
        }
    }

    /**
     * One phase.
     *
     * @param requests       sessionkit requests over the whole phase (warm-up rounds included)
     * @param touchCalls     sessionkit's {@code SessionStore.touch} calls in the phase
     * @param applyCalls     its {@code SessionStore.apply} calls
     * @param expiryMoved    its requests whose commit moved the session's last access (a touch, or a write that carried one)
     * @param secondsAfterSeed seconds between the end of sessionkit's seeding and the start of the phase
     */
    record Phase(String name, String shape, String state, double secondsAfterSeed, String loadAverage,
            List<SideRates> sides, List<Ratio> ratios, long requests, long touchCalls, long applyCalls,
            long expiryMoved, List<TableUpdates> tables) {

        double touchShare() {
            return requests == 0 ? Double.NaN : touchCalls / (double) requests;
        }

        double movedShare() {
            return requests == 0 ? Double.NaN : expiryMoved / (double) requests;
        }

        TableUpdates table(String name) {
            return tables.stream().filter(t -> t.table().equals(name)).findFirst()
                    .orElse(new TableUpdates(name, 0, 0));
        }
    }

    /** The sweep of one size: every batch's time over all rounds. */
    record Sweep(String contender, int live, int expiredPerRound, int rounds, long purged, long left,
            List<Double> batchMillis, double medianBatchMillis, double maxBatchMillis, double rowsPerSecond) {
    }

    /** Everything a scale run measured. */
    record Report(Map<String, String> machine, Options options, List<ScaleSeeder.Seeded> seeding, List<Phase> phases,
            List<Sweep> sweeps, Map<String, Long> tableRows) {
    }

    /** Runs the scale mode on {@code database} and writes the report; returns the Markdown file. */
    static Path run(BenchDatabase database, Options options, Path out, Map<String, String> machine) throws IOException {
        Files.createDirectories(out);
        String url = database.jdbcUrl();
        List<ScaleSeeder.Seeded> seeding = new ArrayList<>();
        List<Phase> phases = new ArrayList<>();
        List<Sweep> sweeps = new ArrayList<>();
        Map<String, Long> tableRows = new LinkedHashMap<>();
        int n = options.sessions();
        try (SessionkitContender sk = new SessionkitContender(url, false);
                RawJdbcContender raw = new RawJdbcContender(url, false);
                SpringSessionContender spring = new SpringSessionContender(url, false)) {
            Duration interval = sk.settings().touchInterval();
            // sessionkit last: its touches start falling due when its seeding ends
            seeding.add(logged(ScaleSeeder.raw(raw, url, n)));
            seeding.add(logged(ScaleSeeder.spring(spring, url, n, interval)));
            seeding.add(logged(ScaleSeeder.sessionkit(sk, url, n, interval)));
            long seeded = System.nanoTime();
            checkpoint(url);
            tableRows.put("sessions", Sql.count(sk.pool(), "select count(*) from sessions"));
            tableRows.put("session", Sql.count(raw.pool(), "select count(*) from session"));
            tableRows.put("spring_session", Sql.count(spring.pool(), "select count(*) from spring_session"));
            tableRows.put("spring_session_attributes",
                    Sql.count(spring.pool(), "select count(*) from spring_session_attributes"));
            BenchMain.log("scale: rows " + tableRows);

            List<HikariDataSource> pools = List.of(sk.pool(), raw.pool(), spring.pool());
            StoreCalls calls = new StoreCalls();
            // the store as an application gets it: the store's own defaults on the contender's pool
            // (the contender's store may pin settings to keep older runs comparable)
            try (PostgresSessionStore store = PostgresSessionStore.builder().dataSource(sk.pool()).build();
                    SessionManager steady = manager(sk, store, Clock.systemUTC(), calls);
                    SessionManager backlogRead = manager(sk, store, Clock.offset(Clock.systemUTC(), interval), calls);
                    SessionManager backlogModify = manager(sk, store,
                            Clock.offset(Clock.systemUTC(), interval.multipliedBy(2)), calls)) {
                Requests readSteady = new Requests(steady, store, sk, calls);
                Requests readBacklog = new Requests(backlogRead, store, sk, calls);
                Requests modifyBacklog = new Requests(backlogModify, store, sk, calls);
                phases.add(phase("readOnly, steady", "readOnly", "steady", seeded, options, url, pools, readSteady,
                        List.of(side(sk, readSteady::readOnly), side(raw, raw::readOnly), side(spring, spring::readOnly))));
                phases.add(phase("modify, steady", "modify", "steady", seeded, options, url, pools, readSteady,
                        List.of(side(sk, readSteady::modify), side(raw, raw::modify), side(spring, spring::modify))));
                phases.add(phase("readOnly, backlog", "readOnly", "backlog", seeded, options, url, pools, readBacklog,
                        List.of(side(sk, readBacklog::readOnly), side(raw, raw::readOnly))));
                phases.add(phase("modify, backlog", "modify", "backlog", seeded, options, url, pools, modifyBacklog,
                        List.of(side(sk, modifyBacklog::modify), side(raw, raw::modify))));
            }
            sweeps.addAll(sweeps(database, sk, raw, spring, options));
        }
        machine.put("load average at the end", BenchMain.Machine.loadAverage());
        Report report = new Report(machine, options, seeding, phases, sweeps, tableRows);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve(JSON).toFile(), report);
        Path md = out.resolve(MARKDOWN);
        Files.writeString(md, markdown(report));
        return md;
    }

    private static ScaleSeeder.Seeded logged(ScaleSeeder.Seeded seeded) {
        BenchMain.log(String.format(Locale.ROOT, "scale: seeded %s (%s): %,d sessions, %,d rows in %,d ms (%,.0f rows/s)",
                seeded.contender(), seeded.table(), seeded.sessions(), seeded.rows(), seeded.millis(),
                seeded.rowsPerSecond()));
        return seeded;
    }

    private static SessionManager manager(SessionkitContender sk, SessionStore store, Clock clock, StoreCalls calls) {
        return SessionManager.builder().settings(sk.settings()).store(store).clock(clock).sweeper(false)
                .instrumentation(calls).build();
    }

    private static Interleaved.Side side(DbContender db, IntConsumer request) {
        return new Interleaved.Side(db.name(), db.sessions(), request);
    }

    private static Phase phase(String name, String shape, String state, long seeded, Options options, String url,
            List<HikariDataSource> pools, Requests counted, List<Interleaved.Side> sides) {
        double since = (System.nanoTime() - seeded) / 1e9;
        String load = BenchMain.Machine.loadAverage();
        BenchMain.log(String.format(Locale.ROOT, "scale: %s, %d s after the seeding, load %s", name, Math.round(since),
                load));
        Map<String, long[]> before = tableStats(url, pools);
        counted.reset();
        List<double[]> rounds = Interleaved.rounds(sides, options.threads(), options.warmups(), options.rounds(),
                options.sliceMillis());
        // what a write-behind store still holds is written before the tables' counters are read
        counted.store.flush();
        long requests = counted.requests.sum();
        long moved = counted.moved.sum();
        long touches = counted.calls.count(SessionInstrumentation.Operation.TOUCH);
        long applies = counted.calls.count(SessionInstrumentation.Operation.APPLY);
        Map<String, long[]> after = tableStats(url, pools);
        List<TableUpdates> tables = new ArrayList<>();
        for (String table : List.of("sessions", "session", "spring_session")) {
            long[] b = before.getOrDefault(table, new long[2]);
            long[] a = after.getOrDefault(table, new long[2]);
            tables.add(new TableUpdates(table, a[0] - b[0], a[1] - b[1]));
        }
        List<SideRates> rates = new ArrayList<>();
        for (int s = 0; s < sides.size(); s++) {
            int index = s;
            List<Double> values = rounds.stream().map(r -> r[index]).toList();
            rates.add(new SideRates(sides.get(s).name(), values, Results.median(values), min(values), max(values)));
        }
        List<Ratio> ratios = new ArrayList<>();
        for (int s = 1; s < sides.size(); s++) {
            int index = s;
            List<Double> values = rounds.stream().map(r -> r[0] / r[index]).toList();
            ratios.add(new Ratio(sides.get(s).name(), values, Results.median(values), min(values), max(values)));
        }
        Phase phase = new Phase(name, shape, state, since, load, rates, ratios, requests, touches, applies, moved,
                tables);
        BenchMain.log(String.format(Locale.ROOT,
                "scale: %s: %s; sessionkit / %s %.3f [%.3f–%.3f]; touches per request %.3f, expiry moved %.3f;"
                        + " sessions table %d updates, %.1f %% HOT",
                name, rates.stream().map(r -> r.contender() + " " + Math.round(r.median())).toList(),
                ratios.get(0).versus(), ratios.get(0).median(), ratios.get(0).min(), ratios.get(0).max(),
                phase.touchShare(), phase.movedShare(), phase.table("sessions").updated(),
                100 * phase.table("sessions").hotShare()));
        return phase;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /**
     * {@code n_tup_upd} and {@code n_tup_hot_upd} of every table in the benchmark schema, after
     * making every pooled connection send the counts it still holds: a backend reports them at
     * the end of a transaction at most once per 0.5 s (PostgreSQL 14) or 1 s (15 and later), so a
     * connection that went idle right after a statement may sit on them. Every connection of the
     * pools is borrowed (so none is in use), and after a pause each runs one statement, which sends
     * them; the collector then gets a moment before the counters are read on a new connection.
     */
    private static Map<String, long[]> tableStats(String url, List<HikariDataSource> pools) {
        List<Connection> held = new ArrayList<>();
        try {
            for (HikariDataSource pool : pools) {
                for (int i = 0; i < BenchDatabase.POOL_SIZE; i++) {
                    held.add(pool.getConnection());
                }
            }
            pause(1_100);
            for (Connection c : held) {
                try (Statement s = c.createStatement()) {
                    s.execute("select 1");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("flushing table statistics failed: " + e.getMessage(), e);
        } finally {
            for (Connection c : held) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // a pooled connection's close returns it; nothing to do
                }
            }
        }
        pause(300);
        Map<String, long[]> stats = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select relname, n_tup_upd, n_tup_hot_upd from pg_stat_user_tables"
                        + " where schemaname = current_schema()")) {
            while (rs.next()) {
                stats.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading table statistics failed: " + e.getMessage(), e);
        }
        return stats;
    }

    private static void checkpoint(String url) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            long t0 = System.nanoTime();
            s.execute("checkpoint");
            BenchMain.log("scale: checkpoint after seeding in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        } catch (SQLException e) {
            BenchMain.log("scale: no checkpoint after seeding (" + e.getMessage() + ")");
        }
    }

    // ---------------------------------------------------------------- sweep

    private static List<Sweep> sweeps(BenchDatabase database, SessionkitContender big, RawJdbcContender raw,
            SpringSessionContender spring, Options options) {
        List<Sweep> sweeps = new ArrayList<>();
        String smallUrl = database.freshSchemaUrl("small");
        try (SessionkitContender small = new SessionkitContender(smallUrl, false)) {
            logged(ScaleSeeder.sessionkit(small, smallUrl, options.smallSessions(), small.settings().touchInterval()));
            BatchTimer bigTimer = new BatchTimer();
            BatchTimer smallTimer = new BatchTimer();
            long[] purged = new long[2];
            try (SessionManager bigSweeper = sweeper(big, bigTimer); SessionManager smallSweeper = sweeper(small, smallTimer)) {
                for (int round = 0; round < options.sweepRounds(); round++) {
                    for (int k = 0; k < 2; k++) {
                        boolean bigTurn = (round + k) % 2 == 0;
                        SessionkitContender target = bigTurn ? big : small;
                        target.seedExpired(options.expired());
                        BenchMain.log("scale: sweep round " + round + " at " + (bigTurn ? options.sessions()
                                : options.smallSessions()) + " live, load " + BenchMain.Machine.loadAverage());
                        purged[bigTurn ? 0 : 1] += (bigTurn ? bigSweeper : smallSweeper).sweepNow();
                    }
                }
            }
            sweeps.add(sweep(SessionkitContender.NAME, options.sessions(), options, purged[0], big.countExpired(),
                    bigTimer));
            sweeps.add(sweep(SessionkitContender.NAME, options.smallSessions(), options, purged[1], small.countExpired(),
                    smallTimer));
        }
        for (DbContender peer : List.<DbContender>of(raw, spring)) {
            List<Double> millis = new ArrayList<>();
            for (int round = 0; round < options.sweepRounds(); round++) {
                peer.seedExpired(options.expired());
                long t0 = System.nanoTime();
                peer.purge();
                millis.add((System.nanoTime() - t0) / 1e6);
            }
            double median = Results.median(millis);
            sweeps.add(new Sweep(peer.name(), options.sessions(), options.expired(), options.sweepRounds(),
                    (long) options.expired() * options.sweepRounds(), peer.countExpired(), millis, median, max(millis),
                    options.expired() / (median / 1000)));
        }
        sweeps.forEach(s -> BenchMain.log(String.format(Locale.ROOT,
                "scale: sweep %s at %,d live: %d batches, median %.1f ms, max %.1f ms, %,.0f rows/s, %d left",
                s.contender(), s.live(), s.batchMillis().size(), s.medianBatchMillis(), s.maxBatchMillis(),
                s.rowsPerSecond(), s.left())));
        return sweeps;
    }

    private static SessionManager sweeper(SessionkitContender sk, BatchTimer timer) {
        return SessionManager.builder().settings(sk.settings()).store(sk.store()).sweeper(false).instrumentation(timer)
                .build();
    }

    private static Sweep sweep(String contender, int live, Options options, long purged, long left, BatchTimer timer) {
        List<Double> millis = List.copyOf(timer.batches);
        double total = millis.stream().mapToDouble(Double::doubleValue).sum();
        return new Sweep(contender, live, options.expired(), options.sweepRounds(), purged, left, millis,
                Results.median(millis), max(millis), total == 0 ? Double.NaN : purged / (total / 1000));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // ---------------------------------------------------------------- sessionkit's requests, counted

    /** sessionkit's request shapes on one manager, counting requests and those that moved the expiry. */
    private static final class Requests {

        final SessionManager manager;
        final SessionStore store;
        final String[] cookies;
        final StoreCalls calls;
        final LongAdder requests = new LongAdder();
        final LongAdder moved = new LongAdder();

        Requests(SessionManager manager, SessionStore store, SessionkitContender sk, StoreCalls calls) {
            this.manager = manager;
            this.store = store;
            this.cookies = sk.cookies();
            this.calls = calls;
        }

        void reset() {
            requests.reset();
            moved.reset();
            calls.reset();
        }

        /** Reads an attribute and commits: a touch when one is due. */
        void readOnly(int i) {
            SessionContext context = manager.resolve(RequestInfo.ofCookie(cookies[i]));
            Session session = context.session().orElseThrow(() -> new IllegalStateException("seeded session missing"));
            Instant before = session.lastAccessedAt();
            if (session.get(Shapes.THEME, String.class).isEmpty()) {
                throw new IllegalStateException("attribute missing");
            }
            manager.commit(context);
            count(session, before);
        }

        /** Reads the counter and sets it to one more (the modify: get, then set). */
        void modify(int i) {
            SessionContext context = manager.resolve(RequestInfo.ofCookie(cookies[i]));
            Session session = context.session().orElseThrow(() -> new IllegalStateException("seeded session missing"));
            Instant before = session.lastAccessedAt();
            long counter = session.get(Shapes.COUNTER, Long.class).orElse(0L);
            session.set(Shapes.COUNTER, counter + 1);
            manager.commit(context);
            count(session, before);
        }

        private void count(Session session, Instant before) {
            requests.increment();
            if (!session.lastAccessedAt().equals(before)) {
                moved.increment();
            }
        }
    }

    /** Counts the store calls a manager makes, by operation. */
    static final class StoreCalls implements SessionInstrumentation {

        private final Map<Operation, LongAdder> counts = new EnumMap<>(Operation.class);

        StoreCalls() {
            for (Operation operation : Operation.values()) {
                counts.put(operation, new LongAdder());
            }
        }

        @Override
        public Scope start(Operation operation) {
            counts.get(operation).increment();
            return Scope.NONE;
        }

        long count(Operation operation) {
            return counts.get(operation).sum();
        }

        void reset() {
            counts.values().forEach(LongAdder::reset);
        }
    }

    /** Times every {@code purgeExpired} call (one sweep batch) a manager makes. */
    static final class BatchTimer implements SessionInstrumentation {

        final ConcurrentLinkedQueue<Double> batches = new ConcurrentLinkedQueue<>();

        @Override
        public Scope start(Operation operation) {
            if (operation != Operation.PURGE) {
                return Scope.NONE;
            }
            long t0 = System.nanoTime();
            return (outcome, error) -> batches.add((System.nanoTime() - t0) / 1e6);
        }
    }

    // ---------------------------------------------------------------- report

    private static String markdown(Report r) {
        StringBuilder md = new StringBuilder();
        Options o = r.options();
        md.append("# sessionkit scale run: ").append(String.format(Locale.ROOT, "%,d", o.sessions()))
                .append(" live sessions per contender\n\n");
        md.append("| | |\n|---|---|\n");
        r.machine().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v.replace("|", "/")).append(" |\n"));
        md.append(String.format(Locale.ROOT, "| client threads | %d (HikariCP pools of %d) |%n", o.threads(),
                BenchDatabase.POOL_SIZE));
        md.append(String.format(Locale.ROOT, "| rounds per phase | %d warm-up + %d recorded, %d ms per side per round |%n",
                o.warmups(), o.rounds(), o.sliceMillis()));
        md.append("\nSessions are picked uniformly at random from all seeded ones (their cookies or ids kept in"
                + " memory). sessionkit runs with its defaults (TTL 24 h, touch interval 5 minutes); its modify is"
                + " `get` of the counter, then `set` to one more.\n\n");

        md.append("## Seeding\n\n| contender | table | sessions | rows | took | rows/s |\n|---|---|---|---|---|---|\n");
        for (ScaleSeeder.Seeded s : r.seeding()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %,d | %.1f s | %,.0f |%n", s.contender(), s.table(),
                    s.sessions(), s.rows(), s.millis() / 1000.0, s.rowsPerSecond()));
        }
        md.append("\nRows in the tables after seeding: ").append(r.tableRows()).append(".\n\n");

        md.append("## Requests\n\n");
        md.append("Operations per second, median [min–max] over the recorded rounds; ratios per round.\n\n");
        md.append("| phase | s after seeding | sessionkit | raw JDBC | Spring Session JDBC | sessionkit / raw |"
                + " sessionkit / Spring | touches / request | expiry moved / request | rows updated / request |"
                + " HOT: sessions | HOT: raw | HOT: Spring | load average |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Phase p : r.phases()) {
            TableUpdates sessions = p.table("sessions");
            md.append(String.format(Locale.ROOT, "| %s | %.0f | %s | %s | %s | %s | %s | %.3f | %.3f | %.3f | %s | %s | %s | %s |%n",
                    p.name(), p.secondsAfterSeed(), rate(p, SessionkitContender.NAME), rate(p, RawJdbcContender.NAME),
                    rate(p, SpringSessionContender.NAME), ratio(p, RawJdbcContender.NAME),
                    ratio(p, SpringSessionContender.NAME), p.touchShare(), p.movedShare(),
                    p.requests() == 0 ? Double.NaN : sessions.updated() / (double) p.requests(), hot(sessions),
                    hot(p.table("session")), hot(p.table("spring_session")), p.loadAverage()));
        }
        md.append("\n\"touches / request\": sessionkit's `SessionStore.touch` calls per request (a write-behind store"
                + " queues them and writes many sessions' in one statement); \"expiry moved\": requests"
                + " whose commit moved the session's last access (a touch, or an attribute write that carried one);"
                + " \"rows updated\": `n_tup_upd` of sessionkit's table per sessionkit request; HOT: `n_tup_hot_upd` /"
                + " `n_tup_upd` of each table over the phase.\n\n");

        md.append("## Expiry sweep\n\n");
        md.append("| contender | live sessions | expired per round | rounds | batches | batch, median | batch, max |"
                + " rows/s | left |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Sweep s : r.sweeps()) {
            boolean batched = s.contender().equals(SessionkitContender.NAME);
            md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %d | %s | %.1f ms | %.1f ms | %,.0f | %d |%n",
                    s.contender(), s.live(), s.expiredPerRound(), s.rounds(),
                    batched ? Integer.toString(s.batchMillis().size()) : "1 statement per round",
                    s.medianBatchMillis(), s.maxBatchMillis(), s.rowsPerSecond(), s.left()));
        }
        md.append("\nsessionkit's rows are `SessionManager.sweepNow()` with batch times from its instrumentation"
                + " (the last, short batch of each sweep included); the peers' one statement per round is timed"
                + " whole.\n\n");

        md.append("## Against the targets of issue 18\n\n| target | required | measured |\n|---|---|---|\n");
        for (Phase p : r.phases()) {
            String required = p.shape().equals("readOnly") ? "≥ 0.8× raw one `SELECT`" : "≥ 0.9× raw `SELECT` + `UPDATE`";
            md.append("| ").append(p.name()).append(" | ").append(required).append(" | ")
                    .append(ratio(p, RawJdbcContender.NAME)).append(" |\n");
            md.append("| ").append(p.name()).append(", HOT share of sessionkit's updates | ≥ 90 % | ")
                    .append(hot(p.table("sessions"))).append(" |\n");
        }
        Sweep big = r.sweeps().stream().filter(s -> s.contender().equals(SessionkitContender.NAME)
                && s.live() == o.sessions()).findFirst().orElse(null);
        Sweep small = r.sweeps().stream().filter(s -> s.contender().equals(SessionkitContender.NAME)
                && s.live() == o.smallSessions()).findFirst().orElse(null);
        if (big != null && small != null) {
            md.append(String.format(Locale.ROOT, "| sweep batch at %,d vs at %,d live | no slower | %.1f vs %.1f ms (%.2f×) |%n",
                    big.live(), small.live(), big.medianBatchMillis(), small.medianBatchMillis(),
                    big.medianBatchMillis() / small.medianBatchMillis()));
        }
        return md.toString();
    }

    private static String rate(Phase p, String contender) {
        return p.sides().stream().filter(s -> s.contender().equals(contender)).findFirst()
                .map(s -> String.format(Locale.ROOT, "%,.0f [%,.0f–%,.0f]", s.median(), s.min(), s.max())).orElse("–");
    }

    private static String ratio(Phase p, String versus) {
        return p.ratios().stream().filter(x -> x.versus().equals(versus)).findFirst()
                .map(x -> String.format(Locale.ROOT, "%.2f× [%.2f–%.2f]", x.median(), x.min(), x.max())).orElse("–");
    }

    private static String hot(TableUpdates t) {
        return t.updated() == 0 ? "–" : String.format(Locale.ROOT, "%.1f %% of %,d", 100 * t.hotShare(), t.updated());
    }
}
