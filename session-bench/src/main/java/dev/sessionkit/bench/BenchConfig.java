package dev.sessionkit.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The knobs of one run. {@link #full} is what {@code run.sh} runs (about 12 minutes on two
 * cores); {@link #quick} is the same with short runs, numbers not to be trusted; {@link #smoke}
 * runs every shape once, in-process and tiny, for the test that keeps the harness from rotting.
 *
 * @param sessions          seeded anonymous sessions per contender, picked at random
 * @param principals        principals with {@link DbContender#SESSIONS_PER_PRINCIPAL} sessions each
 * @param purgeRows         expired sessions per purge round
 * @param purgeRounds       purge rounds per contender
 * @param forks             JMH forks per benchmark (0: in this JVM)
 * @param warmups           JMH warm-up iterations
 * @param warmupTime        length of one warm-up iteration
 * @param iterations        JMH measured iterations (median and min–max are over these)
 * @param iterationTime     length of one measured iteration
 * @param dbThreads         client thread counts for the PostgreSQL shapes
 * @param memoryThreads     client thread counts for the in-memory shapes
 * @param probeOps          operations per shape in the statement probe
 * @param http              whether to run the HTTP level with wrk
 * @param httpDuration      length of one wrk run
 * @param jfr               whether to record and summarise JFR profiles of sessionkit
 * @param out               where the report, the seeded handles and the recordings go
 * @param durable           whether the embedded PostgreSQL runs with durable settings ({@code --durable})
 */
record BenchConfig(
        int sessions,
        int principals,
        int purgeRows,
        int purgeRounds,
        int forks,
        int warmups,
        Duration warmupTime,
        int iterations,
        Duration iterationTime,
        List<Integer> dbThreads,
        List<Integer> memoryThreads,
        int probeOps,
        boolean http,
        Duration httpDuration,
        boolean jfr,
        Path out,
        boolean durable) {

    static final String SESSIONS_PROPERTY = "bench.sessions";
    static final String PRINCIPALS_PROPERTY = "bench.principals";
    static final int DEFAULT_SESSIONS = 10_000;
    static final int DEFAULT_PRINCIPALS = 200;

    static BenchConfig full(Path out) {
        return new BenchConfig(DEFAULT_SESSIONS, DEFAULT_PRINCIPALS, 100_000, 3, 1, 2, Duration.ofSeconds(1), 5,
                Duration.ofMillis(1500), List.of(1, 8), List.of(1, 2), 500, true, Duration.ofSeconds(10), true, out, false);
    }

    /** Everything a full run does, forks, wrk and JFR included, with short runs: checks a setup in about 3 minutes. */
    static BenchConfig quick(Path out) {
        return new BenchConfig(2_000, 20, 10_000, 1, 1, 1, Duration.ofMillis(500), 2, Duration.ofMillis(500),
                List.of(1, 8), List.of(1, 2), 50, true, Duration.ofSeconds(2), true, out, false);
    }

    static BenchConfig smoke(Path out) {
        return new BenchConfig(200, 4, 2_000, 1, 0, 0, Duration.ofMillis(50), 1, Duration.ofMillis(100), List.of(1),
                List.of(1), 20, false, Duration.ofSeconds(1), false, out, false);
    }

    boolean isSmoke() {
        return forks == 0;
    }

    Path dataDir() {
        return out.resolve("bench-data");
    }

    BenchConfig withHttp(boolean value) {
        return new BenchConfig(sessions, principals, purgeRows, purgeRounds, forks, warmups, warmupTime, iterations,
                iterationTime, dbThreads, memoryThreads, probeOps, value, httpDuration, jfr, out, durable);
    }

    BenchConfig withJfr(boolean value) {
        return new BenchConfig(sessions, principals, purgeRows, purgeRounds, forks, warmups, warmupTime, iterations,
                iterationTime, dbThreads, memoryThreads, probeOps, http, httpDuration, value, out, durable);
    }

    BenchConfig withDurable(boolean value) {
        return new BenchConfig(sessions, principals, purgeRows, purgeRounds, forks, warmups, warmupTime, iterations,
                iterationTime, dbThreads, memoryThreads, probeOps, http, httpDuration, jfr, out, value);
    }
}
