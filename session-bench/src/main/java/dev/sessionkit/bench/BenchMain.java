package dev.sessionkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The one command: {@code java -jar session-bench/target/sessionkit-bench.jar [options]}, which
 * {@code session-bench/run.sh} builds and runs. In order: PostgreSQL up, contenders seeded,
 * statement probe, JMH on PostgreSQL (each shape at each thread count, the three contenders side by
 * side), JMH in memory, purge comparison, JFR profiles of sessionkit, the HTTP level, then the
 * report.
 *
 * <p>Options: {@code --smoke} (tiny, in-process: what the smoke test runs), {@code --quick} (every
 * part with short runs, to check a setup; its numbers mean little), {@code --no-http},
 * {@code --no-jfr}, {@code --out DIR} (default {@code session-bench/target}), {@code --repo DIR}
 * (the repository root, to find the servlet demo jar; default the working directory).
 * {@code --big-table [--big-rows N]} runs only {@link BigTable} (default 10 million rows, a few
 * minutes) and writes {@code big-table-report.md}. {@code --sessions=N [--scale-rounds R]} runs only
 * the scale mode, {@link ScaleRun}, with N live sessions per contender (with {@code --durable} on the
 * durable server), and writes {@code scale-report.md}; {@code --memory-expiry} only
 * {@link MemoryExpiryCost}, writing {@code memory-expiry-report.md}.
 */
public final class BenchMain {

    static final List<String> DB_SHAPES = StatementProbe.SHAPES;
    static final List<String> MEMORY_SHAPES = List.of("readOnly", "modify");
    /** The parts of a run, in the order they run; {@code --only} picks some. */
    static final List<String> PARTS = List.of("probe", "paired", "postgres", "memory", "purge", "metrics", "jfr", "http");
    /** The shapes {@link Interleaved} compares, sessionkit against raw JDBC (logout needs a fresh session per request). */
    static final List<String> PAIRED_SHAPES = List.of("readOnly", "readTouch", "modify", "modifySet", "create",
            "login", "listByPrincipal");

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = false;
        boolean quick = false;
        boolean http = true;
        boolean jfr = true;
        Path repo = Path.of("").toAbsolutePath();
        Path out = null;
        java.util.Set<String> parts = new java.util.LinkedHashSet<>(PARTS);
        boolean bigTable = false;
        boolean durable = false;
        String sharedBuffers = null;
        long bigRows = 10_000_000L;
        int scaleSessions = 0;
        int scaleRounds = 0;
        boolean memoryExpiry = false;
        Path memoryBaseline = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--sessions=")) {
                scaleSessions = Integer.parseInt(args[i].substring("--sessions=".length()).replace("_", ""));
                continue;
            }
            switch (args[i]) {
                case "--sessions" -> scaleSessions = Integer.parseInt(args[++i].replace("_", ""));
                case "--scale-rounds" -> scaleRounds = Integer.parseInt(args[++i]);
                case "--memory-expiry" -> memoryExpiry = true;
                case "--memory-baseline" -> memoryBaseline = Path.of(args[++i]);
                case "--smoke" -> smoke = true;
                case "--quick" -> quick = true;
                case "--no-http" -> http = false;
                case "--no-jfr" -> jfr = false;
                case "--durable" -> durable = true;
                case "--shared-buffers" -> sharedBuffers = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                case "--repo" -> repo = Path.of(args[++i]);
                case "--big-table" -> bigTable = true;
                case "--big-rows" -> bigRows = Long.parseLong(args[++i].replace("_", ""));
                case "--only" -> {
                    parts.clear();
                    for (String part : args[++i].split(",")) {
                        if (!PARTS.contains(part.trim())) {
                            System.err.println("unknown part " + part + "; parts: " + PARTS);
                            System.exit(2);
                        }
                        parts.add(part.trim());
                    }
                }
                default -> {
                    System.err.println("unknown option " + args[i]
                            + "; accepted: --smoke --quick --durable [--shared-buffers SIZE] --no-http --no-jfr --only PART,… --out DIR --repo DIR"
                            + " --big-table [--big-rows N] --sessions=N [--scale-rounds R] --memory-expiry [--memory-baseline JAR]");
                    System.exit(2);
                }
            }
        }
        if (out == null) {
            out = repo.resolve("session-bench").resolve("target");
        }
        if (memoryExpiry) {
            Map<String, String> machine = Machine.describe();
            machine.put("sessionkit commit", Machine.commit(repo));
            List<MemoryExpiryCost.Measured> measured = new ArrayList<>();
            for (int sessions : List.of(10_000, 100_000)) {
                log("memory expiry cost at " + sessions + " sessions, load " + Machine.loadAverage());
                measured.addAll(MemoryExpiryCost.run(sessions, List.of(1, 2), 2, quick ? 3 : 8, quick ? 300 : 600));
            }
            StringBuilder baseline = new StringBuilder();
            if (memoryBaseline != null) {
                baseline.append("\n## A read-only request, this build against ").append(memoryBaseline.getFileName())
                        .append("\n\n| threads | sessions | this build, ns | baseline, ns | this build / baseline, per round |\n")
                        .append("|---|---|---|---|---|\n");
                for (int threads : List.of(1, 2)) {
                    log("memory request against " + memoryBaseline + " at " + threads + " thread(s), load "
                            + Machine.loadAverage());
                    List<double[]> rounds = MemoryExpiryCost.againstBaseline(memoryBaseline, 10_000, threads, 2,
                            quick ? 3 : 12, quick ? 300 : 700);
                    List<Double> ratios = rounds.stream().map(r -> r[0] / r[1]).toList();
                    baseline.append(String.format(Locale.ROOT, "| %d | 10,000 | %.0f | %.0f | %.3f [%.3f–%.3f] |%n",
                            threads, Results.median(rounds.stream().map(r -> r[0]).toList()),
                            Results.median(rounds.stream().map(r -> r[1]).toList()), Results.median(ratios),
                            ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                            ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)));
                }
            }
            machine.put("load average at the end", Machine.loadAverage());
            Path report = MemoryExpiryCost.write(measured, out, machine);
            Files.writeString(report, baseline, java.nio.file.StandardOpenOption.APPEND);
            System.out.println(Files.readString(report));
            System.exit(0);
        }
        if (scaleSessions > 0) {
            BenchDatabase database = BenchDatabase.start(durable, sharedBuffers);
            Map<String, String> machine = Machine.describe();
            machine.put("sessionkit commit", Machine.commit(repo));
            machine.put("database", database.describe());
            machine.put("database server", database.mode());
            log("scale: " + machine);
            ScaleRun.Options options = ScaleRun.Options.full(scaleSessions);
            if (scaleRounds > 0) {
                options = new ScaleRun.Options(options.sessions(), options.threads(), options.warmups(), scaleRounds,
                        options.sliceMillis(), options.expired(), options.sweepRounds(), options.smallSessions());
            }
            Path report = ScaleRun.run(database, options, out, machine);
            System.out.println(Files.readString(report));
            System.out.println("report: " + report);
            System.exit(0);
        }
        if (bigTable) {
            BenchDatabase database = BenchDatabase.start(durable, sharedBuffers);
            Map<String, String> machine = Machine.describe();
            machine.put("sessionkit commit", Machine.commit(repo));
            machine.put("database", database.describe());
            machine.put("database server", database.mode());
            log("big table: " + machine);
            Path report = BigTable.run(database.jdbcUrl(), bigRows, out, machine);
            System.out.println(Files.readString(report));
            System.out.println("report: " + report);
            System.exit(0);
        }
        BenchConfig chosen = smoke ? BenchConfig.smoke(out) : quick ? BenchConfig.quick(out) : BenchConfig.full(out);
        BenchConfig config = chosen.withHttp(http && !smoke).withJfr(jfr && !smoke).withDurable(durable);
        Path report = run(config, repo, parts, sharedBuffers);
        System.out.println("report: " + report);
        System.exit(0); // the embedded PostgreSQL's threads would keep the JVM alive
    }

    /** Runs everything {@code config} asks for and writes the report; returns the Markdown file. */
    static Path run(BenchConfig config, Path repo) throws IOException, RunnerException, InterruptedException {
        return run(config, repo, java.util.Set.copyOf(PARTS), null);
    }

    /**
     * Runs the chosen {@code parts} of what {@code config} asks for and writes the report;
     * {@code sharedBuffers} (or null) as {@code --shared-buffers} gives it.
     */
    static Path run(BenchConfig config, Path repo, java.util.Set<String> parts, String sharedBuffers)
            throws IOException, RunnerException, InterruptedException {
        java.time.Clock clock = java.time.Clock.systemUTC();
        Instant started = clock.instant();
        Files.createDirectories(config.out());
        Map<String, String> machine = Machine.describe();
        machine.put("sessionkit commit", Machine.commit(repo));
        Results results = new Results(machine, config);
        log("machine: " + machine);

        BenchDatabase database = BenchDatabase.start(config.durable(), sharedBuffers);
        machine.put("database", database.describe());
        machine.put("database server", database.mode());
        log("database: " + machine.get("database"));

        System.setProperty(PostgresBenchmark.JDBC_URL, database.jdbcUrl());
        System.setProperty(PostgresBenchmark.DATA_DIR, config.dataDir().toString());
        System.setProperty(BenchConfig.SESSIONS_PROPERTY, Integer.toString(config.sessions()));
        System.setProperty(BenchConfig.PRINCIPALS_PROPERTY, Integer.toString(config.principals()));

        boolean seeded = parts.contains("probe") || parts.contains("paired") || parts.contains("postgres")
                || parts.contains("purge") || parts.contains("metrics") || parts.contains("jfr");
        for (String name : seeded ? DbContender.ALL : List.<String>of()) {
            long t0 = System.nanoTime();
            try (DbContender db = DbContender.open(name, database.jdbcUrl(), false)) {
                db.seed(config.dataDir(), config.sessions(), config.principals());
            }
            log("seeded " + name + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
        if (seeded) {
            database.analyze();
        }

        for (String name : parts.contains("probe") ? DbContender.ALL : List.<String>of()) {
            try (DbContender db = DbContender.open(name, database.jdbcUrl(), true)) {
                db.attach(config.dataDir());
                results.statements.addAll(StatementProbe.run(db, config.probeOps(), config.principals()));
            }
        }
        log("statements per operation: " + results.statements);

        if (parts.contains("paired")) {
            paired(config, database, results);
        }

        for (String shape : parts.contains("postgres") ? DB_SHAPES : List.<String>of()) {
            for (int threads : config.dbThreads()) {
                results.throughput.addAll(jmh(config, database, "postgres", PostgresBenchmark.class, shape, threads,
                        null, List.of()));
            }
        }
        for (String shape : parts.contains("memory") ? MEMORY_SHAPES : List.<String>of()) {
            for (int threads : config.memoryThreads()) {
                results.throughput.addAll(jmh(config, database, "memory", MemoryBenchmark.class, shape, threads,
                        null, List.of()));
            }
        }

        for (String name : parts.contains("purge") ? DbContender.ALL : List.<String>of()) {
            try (DbContender db = DbContender.open(name, database.jdbcUrl(), false)) {
                db.attach(config.dataDir());
                Results.Purge purge = PurgeComparison.run(db, config.purgeRows(), config.purgeRounds(),
                        config.isSmoke() ? 200 : 2_000);
                results.purges.add(purge);
                log("purge: " + purge);
            }
        }

        if (parts.contains("metrics")) {
            int threads = config.dbThreads().get(config.dbThreads().size() - 1);
            log("metrics off / timers / observations at " + threads + " thread(s), interleaved rounds");
            try {
                MetricsOverhead.Measured measured = MetricsOverhead.run(database.jdbcUrl(), config.dataDir(), threads,
                        Math.max(1, config.iterations() * 2), config.iterationTime());
                results.throughput.addAll(measured.throughput());
                measured.cpuMicrosPerOp().forEach((shape, byVariant) -> results.notes.add(String.format(
                        java.util.Locale.ROOT, "Micrometer binding, %s at %d threads: client CPU per operation %s µs (off),"
                        + " %s µs (timers), %s µs (observations).", shape, threads,
                        MetricsOverhead.micros(byVariant.get("off")), MetricsOverhead.micros(byVariant.get("timers")),
                        MetricsOverhead.micros(byVariant.get("observations")))));
            } catch (Exception e) {
                throw new IllegalStateException("the metrics part failed", e);
            }
        }

        if (config.jfr() && parts.contains("jfr")) {
            profile(config, database, results);
        }

        if (config.http() && parts.contains("http")) {
            http(config, database, repo, results);
        } else {
            results.notes.add("HTTP level not run (" + (config.isSmoke() ? "smoke run" : "not asked for") + ").");
        }

        machine.put("load average at the end", Machine.loadAverage());
        machine.put("run took", Duration.between(started, clock.instant()).toSeconds() + " s");
        if (!parts.containsAll(PARTS)) {
            results.notes.add("Partial run: only " + parts + ".");
        }
        Path md = new ReportWriter(results).write(config.out());
        log("wrote " + md + " and bench-report.json");
        return md;
    }

    private static List<Results.Throughput> jmh(BenchConfig config, BenchDatabase database, String suite,
            Class<?> benchmark, String shape, int threads, String onlyContender, List<String> extraJvmArgs)
            throws RunnerException {
        log(suite + " " + shape + " at " + threads + " thread(s)");
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(java.util.regex.Pattern.quote(benchmark.getName() + "." + shape) + "$")
                .threads(threads)
                .forks(config.forks())
                .warmupIterations(config.warmups())
                .warmupTime(TimeValue.milliseconds(config.warmupTime().toMillis()))
                .measurementIterations(config.iterations())
                .measurementTime(TimeValue.milliseconds(config.iterationTime().toMillis()))
                .timeUnit(TimeUnit.SECONDS)
                .shouldFailOnError(true)
                .verbosity(config.isSmoke() ? VerboseMode.SILENT : VerboseMode.NORMAL);
        List<String> jvmArgs = new ArrayList<>(List.of("-Xms1g", "-Xmx1g",
                "-D" + PostgresBenchmark.JDBC_URL + "=" + database.jdbcUrl(),
                "-D" + PostgresBenchmark.DATA_DIR + "=" + config.dataDir(),
                "-D" + BenchConfig.SESSIONS_PROPERTY + "=" + config.sessions(),
                "-D" + BenchConfig.PRINCIPALS_PROPERTY + "=" + config.principals(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        jvmArgs.addAll(extraJvmArgs);
        options.jvmArgs(jvmArgs.toArray(String[]::new));
        if (onlyContender != null) {
            options.param("contender", onlyContender);
        }
        Collection<RunResult> runs = new Runner(options.build()).run();
        List<Results.Throughput> measured = new ArrayList<>();
        for (RunResult run : runs) {
            List<Double> scores = new ArrayList<>();
            for (BenchmarkResult result : run.getBenchmarkResults()) {
                for (IterationResult iteration : result.getIterationResults()) {
                    scores.add(iteration.getPrimaryResult().getScore());
                }
            }
            String contender = run.getParams().getParam("contender");
            measured.add(new Results.Throughput(suite, shape, contender, threads, Results.median(scores),
                    scores.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    scores.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), scores));
        }
        if (measured.isEmpty()) {
            throw new IllegalStateException("JMH ran nothing for " + benchmark.getSimpleName() + "." + shape);
        }
        return measured;
    }

    /**
     * sessionkit against raw JDBC, and the memory store against bare Caffeine, in alternating
     * rounds ({@link Interleaved}) in this JVM: the ratios the targets of issue 15 are judged by.
     */
    private static void paired(BenchConfig config, BenchDatabase database, Results results) {
        int rounds = config.isSmoke() ? 1 : config.iterations() * 2;
        int warmups = config.isSmoke() ? 0 : 2;
        long slice = config.iterationTime().toMillis();
        int threads = config.dbThreads().get(config.dbThreads().size() - 1);
        try (DbContender sk = DbContender.open(SessionkitContender.NAME, database.jdbcUrl(), false);
                DbContender raw = DbContender.open(RawJdbcContender.NAME, database.jdbcUrl(), false)) {
            sk.attach(config.dataDir());
            raw.attach(config.dataDir());
            for (String shape : PAIRED_SHAPES) {
                log("paired " + shape + " at " + threads + " threads: " + rounds + " rounds of " + slice + " ms each");
                Results.Paired p = Interleaved.run("postgres", shape, side(sk, shape, config), side(raw, shape, config),
                        threads, warmups, rounds, slice);
                results.paired.add(p);
                log(String.format(Locale.ROOT, "paired %s: sessionkit / raw %.3f [%.3f–%.3f]", shape, p.medianRatio(),
                        p.minRatio(), p.maxRatio()));
            }
        }
        int sessions = config.isSmoke() ? 200 : config.sessions();
        for (String shape : MEMORY_SHAPES) {
            for (int threads2 : config.memoryThreads()) {
                try (MemoryContender sk = MemoryContender.open(MemoryContender.SessionkitMemory.NAME, sessions);
                        MemoryContender bare = MemoryContender.open(MemoryContender.BareCaffeine.NAME, sessions)) {
                    Interleaved.Side a = new Interleaved.Side("sessionkit", sessions,
                            shape.equals("readOnly") ? sk::readOnly : sk::modify);
                    Interleaved.Side b = new Interleaved.Side("caffeine", sessions,
                            shape.equals("readOnly") ? bare::readOnly : bare::modify);
                    Results.Paired p = Interleaved.run("memory", shape, a, b, threads2, warmups + 1, rounds, slice);
                    results.paired.add(p);
                    log(String.format(Locale.ROOT, "paired memory %s at %d: sessionkit / caffeine %.3f [%.3f–%.3f]",
                            shape, threads2, p.medianRatio(), p.minRatio(), p.maxRatio()));
                }
            }
        }
    }

    private static Interleaved.Side side(DbContender db, String shape, BenchConfig config) {
        return switch (shape) {
            // the same statements on both sides: sessionkit's SELECT without the touches that fall due
            case "readOnly" -> new Interleaved.Side(db.name(), db.sessions(),
                    db instanceof SessionkitContender sk ? sk::readOnlyUntouched : db::readOnly);
            case "readTouch" -> new Interleaved.Side(db.name(), db.sessions(), db::readTouch);
            case "modify" -> new Interleaved.Side(db.name(), db.sessions(), db::modify);
            case "modifySet" -> new Interleaved.Side(db.name(), db.sessions(), db::modifySet);
            case "create" -> new Interleaved.Side(db.name(), 1, i -> db.create());
            case "login" -> new Interleaved.Side(db.name(), 1, i -> db.login());
            case "listByPrincipal" -> new Interleaved.Side(db.name(), config.principals(), i -> {
                if (db.listByPrincipal(i) != DbContender.SESSIONS_PER_PRINCIPAL) {
                    throw new IllegalStateException(db.name() + " listed the wrong number of sessions");
                }
            });
            default -> throw new IllegalArgumentException(shape);
        };
    }

    private static void profile(BenchConfig config, BenchDatabase database, Results results) throws RunnerException {
        Path dir = config.out().resolve("jfr");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        int threads = config.dbThreads().get(config.dbThreads().size() - 1);
        for (String shape : List.of("readOnly", "readTouch", "modify", "modifySet", "create")) {
            Path recording = dir.resolve("sessionkit-" + shape + ".jfr");
            // a recording of the whole fork; warm-up samples are few next to the measured ones
            jmh(config, database, "profile", PostgresBenchmark.class, shape, threads,
                    SessionkitContender.NAME,
                    List.of("-XX:StartFlightRecording=filename=" + recording + ",settings=profile,dumponexit=true"));
            results.profiles.add(JfrSummary.summarise(shape, recording));
            log("profiled " + shape + ": " + recording);
        }
    }

    private static void http(BenchConfig config, BenchDatabase database, Path repo, Results results) {
        Optional<Path> jar = HttpBench.findDemoJar(repo);
        Optional<String> wrk = HttpBench.wrk();
        if (jar.isEmpty()) {
            results.notes.add("HTTP level not run: no servlet demo jar in " + repo.resolve("session-examples/target")
                    + " (build session-examples first).");
            return;
        }
        if (wrk.isEmpty()) {
            results.notes.add("HTTP level not run: wrk is not installed (run.sh installs it with apt-get).");
            return;
        }
        try {
            log("HTTP level with " + jar.get().getFileName());
            results.http.addAll(HttpBench.run(jar.get(), wrk.get(), database.jdbcUrl(), config.httpDuration(),
                    config.out(), results.paired));
            // the same session / no-session ratio, round by round, for the servlet and the WebFlux demo
            for (String store : List.of("memory", "postgres")) {
                for (String demo : List.of("servlet", "webflux")) {
                    Optional<Path> demoJar = HttpBench.findDemoJar(repo, demo);
                    if (demoJar.isEmpty()) {
                        results.notes.add("HTTP rounds of the " + demo + " demo not run: no jar (build session-examples).");
                        continue;
                    }
                    log("HTTP rounds: " + demo + " demo on " + store);
                    results.httpRounds.addAll(HttpBench.rounds(demo, demoJar.get(), wrk.get(), store,
                            database.jdbcUrl(), HttpBench.ROUND_DURATION, HttpBench.ROUNDS, config.out()));
                }
            }
        } catch (IOException | RuntimeException e) {
            results.notes.add("HTTP level failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            results.notes.add("HTTP level interrupted");
        }
    }

    static void log(String line) {
        System.out.println(String.format(Locale.ROOT, "[bench %tT] %s", java.time.LocalTime.now(), line));
    }

    /** Facts about the machine, for the report. */
    static final class Machine {

        private Machine() {
        }

        static Map<String, String> describe() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("cpus (nproc)", Integer.toString(Runtime.getRuntime().availableProcessors()));
            m.put("cpu", firstLine("/proc/cpuinfo", "model name"));
            m.put("memory", firstLine("/proc/meminfo", "MemTotal"));
            m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
            m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
            m.put("load average at the start", loadAverage());
            return m;
        }

        /**
         * Which sessionkit was measured: the commit the running jar was built from, as run.sh records
         * it in the jar's manifest ({@value #COMMIT_ATTRIBUTE}); for a jar built without it, the
         * repository's HEAD and its date, said to be that (a jar of an older build run with
         * {@code --repo} of a newer checkout would otherwise be labelled with the checkout's commit).
         */
        static String commit(Path repo) {
            String built = builtFrom();
            if (built != null) {
                return built + " (the jar's build)";
            }
            return head(repo) + " (HEAD of " + repo + "; the jar does not record its build)";
        }

        static final String COMMIT_ATTRIBUTE = "Sessionkit-Commit";

        private static String builtFrom() {
            try {
                java.security.CodeSource source = BenchMain.class.getProtectionDomain().getCodeSource();
                if (source == null || !source.getLocation().getPath().endsWith(".jar")) {
                    return null;
                }
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(Path.of(source.getLocation().toURI()).toFile())) {
                    java.util.jar.Manifest manifest = jar.getManifest();
                    String value = manifest == null ? null : manifest.getMainAttributes().getValue(COMMIT_ATTRIBUTE);
                    return value == null || value.isBlank() || value.equals("unknown") ? null : value.trim();
                }
            } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
                return null;
            }
        }

        private static String head(Path repo) {
            try {
                Process head = new ProcessBuilder("git", "-C", repo.toString(), "log", "-1", "--format=%h %cI")
                        .redirectErrorStream(true).start();
                String line = new String(head.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                        .trim();
                return head.waitFor() == 0 ? line : "unknown";
            } catch (IOException e) {
                return "unknown";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown";
            }
        }

        static String loadAverage() {
            try {
                return Files.readString(Path.of("/proc/loadavg")).trim();
            } catch (IOException e) {
                return "unknown";
            }
        }

        private static String firstLine(String file, String prefix) {
            try {
                return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(prefix))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }
    }
}
