package dev.sessionkit.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoublePredicate;

/**
 * Writes {@code bench-report.md} and {@code bench-report.json}: throughput (median, min–max),
 * statements per operation, the ratios sessionkit/peer, and every target of issue 7 with a plain
 * verdict: {@code met}, {@code MISSED} or {@code not measured}.
 */
final class ReportWriter {

    private static final java.time.Clock CLOCK = java.time.Clock.systemUTC();

    static final String MET = "met";
    static final String MISSED = "MISSED";
    static final String NOT_MEASURED = "not measured";
    static final String MARKDOWN = "bench-report.md";
    static final String JSON = "bench-report.json";

    private static final Map<String, String> DISPLAY = Map.of(
            SessionkitContender.NAME, "sessionkit",
            SpringSessionContender.NAME, "Spring Session JDBC",
            RawJdbcContender.NAME, "raw JDBC",
            MemoryContender.BareCaffeine.NAME, "bare Caffeine + JSON");

    private static final String MEMORY_SK = MemoryContender.SessionkitMemory.NAME;
    private static final String MEMORY_BARE = MemoryContender.BareCaffeine.NAME;

    private final Results r;
    private final int threads;

    ReportWriter(Results results) {
        this.r = results;
        this.threads = results.config.dbThreads().get(results.config.dbThreads().size() - 1);
    }

    Path write(Path dir) throws IOException {
        List<Results.Target> targets = targets();
        Files.createDirectories(dir);
        Path md = dir.resolve(MARKDOWN);
        Files.writeString(md, markdown(targets));
        ObjectMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("generated", CLOCK.instant().toString());
        json.put("machine", r.machine);
        json.put("config", config());
        json.put("throughput", r.throughput);
        json.put("ratios", ratios());
        json.put("statements", r.statements);
        json.put("purge", r.purges);
        json.put("http", r.http);
        json.put("profiles", r.profiles);
        json.put("paired", r.paired);
        json.put("targets", targets);
        json.put("notes", r.notes);
        mapper.writeValue(dir.resolve(JSON).toFile(), json);
        return md;
    }

    private Map<String, Object> config() {
        BenchConfig c = r.config;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessions", c.sessions());
        m.put("principals", c.principals());
        m.put("sessionsPerPrincipal", DbContender.SESSIONS_PER_PRINCIPAL);
        m.put("poolSize", BenchDatabase.POOL_SIZE);
        m.put("purgeRows", c.purgeRows());
        m.put("purgeRounds", c.purgeRounds());
        m.put("forks", c.forks());
        m.put("warmupIterations", c.warmups());
        m.put("warmupMillis", c.warmupTime().toMillis());
        m.put("iterations", c.iterations());
        m.put("iterationMillis", c.iterationTime().toMillis());
        m.put("dbThreads", c.dbThreads());
        m.put("memoryThreads", c.memoryThreads());
        m.put("probeOps", c.probeOps());
        m.put("smoke", c.isSmoke());
        return m;
    }

    /** sessionkit / peer, median over median, for every shape and thread count. */
    private List<Map<String, Object>> ratios() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Results.Throughput t : r.throughput) {
            if (!t.contender().equals(SessionkitContender.NAME)) {
                continue;
            }
            for (String peer : List.of(SpringSessionContender.NAME, RawJdbcContender.NAME,
                    MemoryContender.BareCaffeine.NAME)) {
                r.throughput(t.suite(), t.shape(), peer, t.threads()).ifPresent(p -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("suite", t.suite());
                    m.put("shape", t.shape());
                    m.put("threads", t.threads());
                    m.put("peer", peer);
                    m.put("ratio", t.median() / p.median());
                    list.add(m);
                });
            }
        }
        return list;
    }

    // ------------------------------------------------------------------ targets

    List<Results.Target> targets() {
        List<Results.Target> targets = new ArrayList<>();
        statementTarget(targets, "readOnly", "about 1 (touch throttled): ≤ 1.05", v -> v <= 1.05);
        statementTarget(targets, "modify", "2 (select + one merging update)", v -> v <= 2.0 + 1e-9);
        statementTarget(targets, "create", "1", v -> v <= 1.0 + 1e-9);
        statementTarget(targets, "readTouch", "2 (select + touch)", v -> v <= 2.0 + 1e-9);
        statementTarget(targets, "modifySet", "2 (select + one merging update)", v -> v <= 2.0 + 1e-9);
        // issue 15: never more round trips than statements
        for (String shape : BenchMain.DB_SHAPES) {
            String name = "sessionkit round trips per " + shape + " request, at the socket";
            Optional<Results.Statements> s = r.statements(SessionkitContender.NAME, shape);
            targets.add(s.isEmpty() ? new Results.Target(name, "≤ statements", "-", NOT_MEASURED)
                    : new Results.Target(name, "≤ statements (" + num(s.get().statements()) + ")",
                            num(s.get().roundTrips()), verdict(s.get().roundTrips() <= s.get().statements() + 1e-9)));
        }
        ratioTarget(targets, "readOnly", SpringSessionContender.NAME, 5.0);
        ratioTarget(targets, "modify", SpringSessionContender.NAME, 1.7);
        ratioTarget(targets, "create", SpringSessionContender.NAME, 1.8);
        // issue 15: every shape within 5 % of raw JDBC, the atomic increment ("modify") within 10 %
        for (String shape : BenchMain.DB_SHAPES) {
            ratioTarget(targets, shape, RawJdbcContender.NAME, shape.equals("modify") ? 0.9 : 0.95);
        }
        purgeTargets(targets);
        for (String shape : BenchMain.MEMORY_SHAPES) {
            for (int t : r.config.memoryThreads()) {
                Optional<Results.Paired> paired = r.paired("memory", shape, t);
                if (paired.isPresent()) {
                    Results.Paired p = paired.get();
                    targets.add(new Results.Target("memory store " + shape + " at " + t
                            + " thread(s) vs bare Caffeine + JSON (alternating rounds)", "≥ 0.5×",
                            x(p.medianRatio()) + " [" + x(p.minRatio()) + "–" + x(p.maxRatio()) + "]",
                            verdict(p.medianRatio() >= 0.5)));
                    continue;
                }
                Optional<Results.Throughput> sk = r.throughput("memory", shape, MEMORY_SK, t);
                Optional<Results.Throughput> bare = r.throughput("memory", shape, MEMORY_BARE, t);
                String name = "memory store " + shape + " at " + t + " thread(s) vs bare Caffeine + JSON";
                if (sk.isEmpty() || bare.isEmpty()) {
                    targets.add(new Results.Target(name, "≥ 0.5×", "-", NOT_MEASURED));
                } else {
                    double ratio = sk.get().median() / bare.get().median();
                    targets.add(new Results.Target(name, "≥ 0.5×", x(ratio), verdict(ratio >= 0.5)));
                }
            }
        }
        Optional<Results.Http> session = http("memory", HttpBench.SESSION_PATH);
        Optional<Results.Http> health = http("memory", HttpBench.HEALTH_PATH);
        String name = "servlet filter, memory store: session requests/s vs no-session requests/s";
        Optional<Results.Paired> rounds = r.paired.stream()
                .filter(p -> p.suite().equals("http") && p.shape().equals("memory")).findFirst();
        if (rounds.isPresent()) {
            Results.Paired p = rounds.get();
            targets.add(new Results.Target(name + " (" + p.ratios().size() + " alternating rounds)", "≥ 0.7×",
                    x(p.medianRatio()) + " [" + x(p.minRatio()) + "–" + x(p.maxRatio()) + "], rounds: "
                            + p.ratios().stream().map(ReportWriter::x).toList(),
                    verdict(p.medianRatio() >= 0.7)));
        } else if (session.isEmpty() || health.isEmpty()) {
            targets.add(new Results.Target(name, "≥ 0.7×", "-", NOT_MEASURED));
        } else {
            double ratio = session.get().requestsPerSecond() / health.get().requestsPerSecond();
            targets.add(new Results.Target(name, "≥ 0.7×", x(ratio), verdict(ratio >= 0.7)));
        }
        return targets;
    }

    private void statementTarget(List<Results.Target> targets, String shape, String required, DoublePredicate ok) {
        String name = "sessionkit statements per " + shape + " request";
        Optional<Results.Statements> s = r.statements(SessionkitContender.NAME, shape);
        if (s.isEmpty()) {
            targets.add(new Results.Target(name, required, "-", NOT_MEASURED));
            return;
        }
        String spring = r.statements(SpringSessionContender.NAME, shape)
                .map(p -> " (Spring Session JDBC: " + num(p.statements()) + ")").orElse("");
        targets.add(new Results.Target(name, required, num(s.get().statements()) + spring,
                verdict(ok.test(s.get().statements()))));
    }

    private void ratioTarget(List<Results.Target> targets, String shape, String peer, double required) {
        String name = shape + " at " + threads + " threads: sessionkit vs " + DISPLAY.get(peer);
        Optional<Results.Paired> paired = peer.equals(RawJdbcContender.NAME) ? r.paired("postgres", shape, threads)
                : Optional.empty();
        if (paired.isPresent()) {
            // judged by the alternating rounds, which see the same machine load; the range says how sure
            Results.Paired p = paired.get();
            targets.add(new Results.Target(name + " (alternating rounds)", "≥ " + required + "×",
                    x(p.medianRatio()) + " [" + x(p.minRatio()) + "–" + x(p.maxRatio()) + "] over " + p.ratios().size()
                            + " rounds", verdict(p.medianRatio() >= required)));
            return;
        }
        Optional<Results.Throughput> sk = r.throughput("postgres", shape, SessionkitContender.NAME, threads);
        Optional<Results.Throughput> p = r.throughput("postgres", shape, peer, threads);
        if (sk.isEmpty() || p.isEmpty()) {
            targets.add(new Results.Target(name, "≥ " + required + "×", "-", NOT_MEASURED));
            return;
        }
        double ratio = sk.get().median() / p.get().median();
        targets.add(new Results.Target(name, "≥ " + required + "×", x(ratio) + " (" + ops(sk.get().median()) + " vs "
                + ops(p.get().median()) + " ops/s)", verdict(ratio >= required)));
    }

    private void purgeTargets(List<Results.Target> targets) {
        Optional<Results.Purge> sk = r.purge(SessionkitContender.NAME);
        Optional<Results.Purge> spring = r.purge(SpringSessionContender.NAME);
        Optional<Results.Purge> raw = r.purge(RawJdbcContender.NAME);
        String rows = sk.map(p -> String.format(Locale.ROOT, "%,d", p.rows())).orElse("?");
        if (sk.isEmpty() || spring.isEmpty() || raw.isEmpty()) {
            targets.add(new Results.Target("purge of " + rows + " expired sessions", "-", "-", NOT_MEASURED));
            return;
        }
        double faster = spring.get().medianMillis() / sk.get().medianMillis();
        targets.add(new Results.Target("purge of " + rows + " expired sessions: faster than Spring Session JDBC",
                "≥ 10×", x(faster) + " (" + ms(sk.get().medianMillis()) + " vs " + ms(spring.get().medianMillis())
                        + ")",
                verdict(faster >= 10)));
        double slower = sk.get().medianMillis() / raw.get().medianMillis();
        targets.add(new Results.Target("purge of " + rows + " expired sessions: vs one raw DELETE",
                "within 2× (≤ 2×)",
                x(slower) + " (" + ms(sk.get().medianMillis()) + " vs " + ms(raw.get().medianMillis()) + ")",
                verdict(slower <= 2)));
        targets.add(new Results.Target("purge: concurrent request loop errors", "0",
                Long.toString(sk.get().loopErrors()), verdict(sk.get().loopErrors() == 0)));
        double p99 = sk.get().purgeP99Millis() / sk.get().idleP99Millis();
        targets.add(new Results.Target("purge: request loop p99 during the purge vs idle", "< 2×",
                x(p99) + " (" + ms(sk.get().purgeP99Millis()) + " vs " + ms(sk.get().idleP99Millis()) + ", "
                        + sk.get().purgeSamples() + " requests during the purge)",
                Double.isNaN(p99) ? NOT_MEASURED : verdict(p99 < 2)));
    }

    private Optional<Results.Http> http(String store, String endpoint) {
        return r.http.stream().filter(h -> h.store().equals(store) && h.endpoint().equals(endpoint)
                && !Double.isNaN(h.requestsPerSecond())).findFirst();
    }

    private static String verdict(boolean ok) {
        return ok ? MET : MISSED;
    }

    // ------------------------------------------------------------------ markdown

    private String markdown(List<Results.Target> targets) {
        StringBuilder md = new StringBuilder();
        md.append("# sessionkit benchmark report\n\n");
        if (r.config.isSmoke()) {
            md.append("> **Smoke run**: tiny iteration counts, in one JVM. These numbers only show that the harness"
                    + " works; they measure nothing.\n\n");
        }
        md.append("Generated ").append(CLOCK.instant()).append(". Ratios matter, not absolute numbers: every contender"
                + " ran on this machine, against this PostgreSQL, in this run.\n\n");
        md.append("## Machine\n\n| | |\n|---|---|\n");
        r.machine.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(cell(v)).append(" |\n"));
        BenchConfig c = r.config;
        md.append(String.format(Locale.ROOT, "%nJMH: %d fork(s), %d warm-up × %d ms, %d measured iterations × %d ms;"
                        + " median and min–max are over the measured iterations. %,d seeded sessions per contender,"
                        + " picked at random; %d principals × %d sessions for listing; HikariCP pool of %d for every"
                        + " contender; statements counted over %d operations per shape on one thread.%n%n",
                c.forks(), c.warmups(), c.warmupTime().toMillis(), c.iterations(), c.iterationTime().toMillis(),
                c.sessions(), c.principals(), DbContender.SESSIONS_PER_PRINCIPAL, BenchDatabase.POOL_SIZE,
                c.probeOps()));

        md.append("## Targets of issues 7 and 15\n\n| target | required | measured | verdict |\n|---|---|---|---|\n");
        for (Results.Target t : targets) {
            md.append("| ").append(t.target()).append(" | ").append(t.required()).append(" | ").append(t.measured())
                    .append(" | ").append(t.verdict().equals(MISSED) ? "**MISSED**" : t.verdict()).append(" |\n");
        }

        if (!r.paired.isEmpty()) {
            md.append("\n## Alternating rounds: sessionkit against the floor\n\nsessionkit and its floor (raw JDBC on"
                    + " PostgreSQL, bare Caffeine + JSON in memory) alternate in rounds of the same length in one JVM,"
                    + " the order swapped every round, so both sides of a round see the same machine load. The"
                    + " ratio is per round; median [min–max] over the rounds. The issue-15 targets are judged by"
                    + " these. Here readOnly runs the same statement on both sides: sessionkit with a touch interval"
                    + " no seeded session reaches (its JMH readOnly above includes the touches that fall due, each a"
                    + " durable write).\n\n| suite | shape | threads | rounds × ms | sessionkit ops/s (median) | floor ops/s"
                    + " (median) | sessionkit / floor |\n|---|---|---|---|---|---|---|\n");
            for (Results.Paired p : r.paired) {
                md.append("| ").append(p.suite()).append(" | ").append(p.shape()).append(" | ").append(p.threads())
                        .append(" | ").append(p.ratios().size()).append(" × ").append(p.sliceMillis()).append(" | ")
                        .append(ops(Results.median(p.aRates()))).append(" | ").append(ops(Results.median(p.bRates())))
                        .append(" | ").append(x(p.medianRatio())).append(" [").append(x(p.minRatio())).append("–")
                        .append(x(p.maxRatio())).append("] |\n");
            }
        }

        md.append("\n## PostgreSQL: operations per second, median [min–max]\n\n")
                .append("| shape | threads | sessionkit | Spring Session JDBC | raw JDBC | sessionkit / Spring |"
                        + " sessionkit / raw |\n|---|---|---|---|---|---|---|\n");
        for (String shape : BenchMain.DB_SHAPES) {
            for (int t : c.dbThreads()) {
                Optional<Results.Throughput> sk = r.throughput("postgres", shape, SessionkitContender.NAME, t);
                Optional<Results.Throughput> sp = r.throughput("postgres", shape, SpringSessionContender.NAME, t);
                Optional<Results.Throughput> raw = r.throughput("postgres", shape, RawJdbcContender.NAME, t);
                md.append("| ").append(shape).append(" | ").append(t).append(" | ").append(range(sk)).append(" | ")
                        .append(range(sp)).append(" | ").append(range(raw)).append(" | ").append(ratio(sk, sp))
                        .append(" | ").append(ratio(sk, raw)).append(" |\n");
            }
        }

        md.append("\n## SQL statements and round trips per operation\n\nStatements the server ran (a JDBC batch counts"
                + " each entry); in brackets: network round trips, counted at the socket (a read after a write;"
                + " pool validation left out) / explicit commits. More round trips than statements means the"
                + " driver waited for the server between messages of one statement (a Describe before a"
                + " Bind).\n\n")
                .append("| shape | sessionkit | Spring Session JDBC | raw JDBC |\n|---|---|---|---|\n");
        for (String shape : BenchMain.DB_SHAPES) {
            md.append("| ").append(shape);
            for (String contender : DbContender.ALL) {
                md.append(" | ").append(r.statements(contender, shape).map(s -> num(s.statements()) + " ("
                        + num(s.roundTrips()) + " / " + num(s.commits()) + ")").orElse("-"));
            }
            md.append(" |\n");
        }

        md.append("\n## Purge of expired sessions\n\n")
                .append("While each contender purges, ").append(PurgeComparison.LOOP_THREADS)
                .append(" threads run its read-only requests on live sessions; their p99 during the purge is set"
                        + " against their p99 in the second before it.\n\n")
                .append("| contender | rows | purge ms, median [min–max] | loop p99 idle | loop p99 during purge |"
                        + " loop errors | expired rows left |\n|---|---|---|---|---|---|---|\n");
        for (Results.Purge p : r.purges) {
            md.append("| ").append(DISPLAY.get(p.contender())).append(" | ")
                    .append(String.format(Locale.ROOT, "%,d", p.rows())).append(" | ").append(ms(p.medianMillis()))
                    .append(" [").append(ms(p.minMillis())).append("–").append(ms(p.maxMillis())).append("] | ")
                    .append(ms(p.idleP99Millis())).append(" (").append(p.idleSamples()).append(") | ")
                    .append(ms(p.purgeP99Millis())).append(" (").append(p.purgeSamples()).append(") | ")
                    .append(p.loopErrors()).append(" | ").append(p.expiredLeft()).append(" |\n");
        }

        md.append("\n## In memory: operations per second, median [min–max]\n\n")
                .append("| shape | threads | sessionkit (CaffeineSessionStore + SessionManager) |"
                        + " bare Caffeine + JSON | ratio |\n|---|---|---|---|---|\n");
        for (String shape : BenchMain.MEMORY_SHAPES) {
            for (int t : c.memoryThreads()) {
                Optional<Results.Throughput> sk = r.throughput("memory", shape, MEMORY_SK, t);
                Optional<Results.Throughput> bare = r.throughput("memory", shape, MEMORY_BARE, t);
                md.append("| ").append(shape).append(" | ").append(t).append(" | ").append(range(sk)).append(" | ")
                        .append(range(bare)).append(" | ").append(ratio(sk, bare)).append(" |\n");
            }
        }

        md.append("\n## Micrometer binding off and on (PostgreSQL, one run): operations per second, median [min–max]\n\n"
                + "Interleaved rounds (MetricsOverhead); cost: median over rounds of each round's drop against off.\n\n");
        if (r.throughput.stream().noneMatch(t -> t.suite().equals("metrics"))) {
            md.append("Not run.\n");
        } else {
            md.append("| shape | threads | off | timers | cost | observations | cost |\n|---|---|---|---|---|---|---|\n");
            for (String shape : MetricsOverhead.SHAPES) {
                r.throughput.stream().filter(t -> t.suite().equals("metrics") && t.shape().equals(shape))
                        .mapToInt(Results.Throughput::threads).distinct().forEach(t -> {
                            Optional<Results.Throughput> off = r.throughput("metrics", shape, MetricsOverhead.label("off"), t);
                            Optional<Results.Throughput> timers = r.throughput("metrics", shape, MetricsOverhead.label("timers"), t);
                            Optional<Results.Throughput> obs = r.throughput("metrics", shape,
                                    MetricsOverhead.label("observations"), t);
                            md.append("| ").append(shape).append(" | ").append(t).append(" | ").append(range(off))
                                    .append(" | ").append(range(timers)).append(" | ").append(MetricsOverhead.cost(timers, off))
                                    .append(" | ").append(range(obs)).append(" | ").append(MetricsOverhead.cost(obs, off))
                                    .append(" |\n");
                        });
            }
        }

        md.append("\n## HTTP: servlet demo on Jetty under wrk (loopback)\n\n");
        if (r.http.isEmpty()) {
            md.append("Not run.\n");
        } else {
            md.append("| store | endpoint | requests/s | p99 | errors |\n|---|---|---|---|---|\n");
            for (Results.Http h : r.http) {
                md.append("| ").append(h.store()).append(" | `GET ").append(h.endpoint()).append("` | ")
                        .append(ops(h.requestsPerSecond())).append(" | ").append(ms(h.p99Millis())).append(" | ")
                        .append(h.errors()).append(h.note().isEmpty() ? "" : " " + h.note()).append(" |\n");
            }
            for (String store : List.of("memory", "postgres")) {
                Optional<Results.Http> s = http(store, HttpBench.SESSION_PATH);
                Optional<Results.Http> h = http(store, HttpBench.HEALTH_PATH);
                if (s.isPresent() && h.isPresent()) {
                    md.append("\n").append(store).append(": session / no-session requests/s = ")
                            .append(x(s.get().requestsPerSecond() / h.get().requestsPerSecond())).append("\n");
                }
            }
        }

        md.append("\n## HTTP: servlet demo (Jetty) and WebFlux demo (Netty), session / no-session per round\n\n");
        if (r.httpRounds.isEmpty()) {
            md.append("Not run.\n");
        } else {
            md.append("| demo | store | rounds | ratio per round | median | spread (max - min) |\n|---|---|---|---|---|---|\n");
            java.util.Map<String, List<Results.HttpRound>> byRun = new java.util.LinkedHashMap<>();
            for (Results.HttpRound round : r.httpRounds) {
                byRun.computeIfAbsent(round.demo() + " | " + round.store(), k -> new java.util.ArrayList<>()).add(round);
            }
            byRun.forEach((run, rounds) -> {
                List<Double> ratios = rounds.stream().map(Results.HttpRound::ratio).sorted().toList();
                md.append("| ").append(run).append(" | ").append(rounds.size()).append(" | ")
                        .append(String.join(", ", rounds.stream().map(x -> x(x.ratio())).toList())).append(" | ")
                        .append(x(ratios.get(ratios.size() / 2))).append(" | ")
                        .append(x(ratios.get(ratios.size() - 1) - ratios.get(0))).append(" |\n");
            });
        }

        for (Results.Profile p : r.profiles) {
            md.append("\n## Profile: sessionkit ").append(p.shape()).append(" at ").append(threads)
                    .append(" threads (JFR)\n\n")
                    .append(p.executionSamples()).append(" execution samples (on CPU, in Java) and ")
                    .append(p.nativeSamples())
                    .append(" native samples (waiting in native code: the socket to PostgreSQL) on the JMH worker"
                            + " threads.\n\n");
            shares(md, "On CPU, by component", p.byComponent());
            shares(md, "On CPU, top frames (self)", p.topSelf());
            shares(md, "On CPU, sessionkit methods (inclusive)", p.topSessionkitInclusive());
            shares(md, "Waiting in native code, by the sessionkit method waiting", p.topNative());
        }

        md.append("\n## What each shape does\n\n")
                .append("- **readOnly**: a request with a cookie that reads one attribute. sessionkit: `resolve`"
                        + " (verify the signed cookie, one SELECT) + `commit` (writes nothing unless the 5-minute"
                        + " touch interval has passed; seeded sessions' last accesses are spread over that interval)."
                        + " Spring: `findById` + `setLastAccessedTime(now)` + `save`, as `SessionRepositoryFilter`"
                        + " does."
                        + " raw: one SELECT by primary key.\n")
                .append("- **modify**: load, increment a counter attribute, save. sessionkit: `Session.increment`,"
                        + " one merging UPDATE. Spring: `setAttribute` + `save`. raw: SELECT + UPDATE of the whole"
                        + " JSON.\n")
                .append("- **create**: a new session with three small attributes (a string, an integer, a list).\n")
                .append("- **login**: two requests of a new visitor: one creates an anonymous session (a cart), the"
                        + " next signs in — new id, principal set.\n")
                .append("- **logout**: a request that loads a signed-in session and ends it (sessionkit keeps an"
                        + " audit row; Spring and raw delete). The session is created before each call, outside the"
                        + " measured time.\n")
                .append("- **listByPrincipal**: the sessions of one user who has five (raw: on an expression index"
                        + " over `sess->>'principal'`).\n");
        if (!r.notes.isEmpty()) {
            md.append("\n## Notes\n\n");
            r.notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    private static void shares(StringBuilder md, String title, List<Results.Share> shares) {
        md.append("**").append(title).append("**\n\n| | samples | % |\n|---|---|---|\n");
        for (Results.Share s : shares) {
            md.append("| `").append(s.name()).append("` | ").append(s.samples()).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", s.percent())).append(" |\n");
        }
        md.append('\n');
    }

    private static String range(Optional<Results.Throughput> t) {
        return t.map(v -> ops(v.median()) + " [" + ops(v.min()) + "–" + ops(v.max()) + "]").orElse("-");
    }

    private static String ratio(Optional<Results.Throughput> a, Optional<Results.Throughput> b) {
        return a.isPresent() && b.isPresent() ? x(a.get().median() / b.get().median()) : "-";
    }

    private static String ops(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String x(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f×", v);
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, v < 10 ? "%.2f ms" : "%.0f ms", v);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String cell(String v) {
        return v.replace("|", "\\|");
    }
}
