package dev.sessionkit.bench;

import dev.sessionkit.SessionManager;
import dev.sessionkit.micrometer.SessionkitMetrics;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The cost of the Micrometer binding on the request path: sessionkit's PostgreSQL shapes with the
 * binding {@code off}, on with its own {@code timers}, and on with {@code observations} (an
 * observation registry whose {@link DefaultMeterObservationHandler} makes the timers, as Spring Boot
 * Actuator sets it up), each on a {@link PrometheusMeterRegistry}, side by side in one run.
 *
 * <p>Not JMH runs one after another: on a shared machine the load drifts more between two such runs
 * than the binding costs. The three managers (each with its own pool, same seeded sessions) are open
 * together and measured in short rounds, the variants in a new random order each round; the cost is
 * the median over rounds of each round's ratio to {@code off}, so drift that spans a round cancels.
 */
final class MetricsOverhead {

    static final String OFF = "off";
    static final List<String> VARIANTS = List.of(OFF, "timers", "observations");
    static final List<String> SHAPES = List.of("readOnly", "modify", "create");

    private MetricsOverhead() {
    }

    /** Builds the manager with the binding {@code variant} asks for. */
    static SessionManager build(SessionManager.Builder builder, String variant) {
        switch (variant) {
            case OFF:
                return builder.build();
            case "timers":
                return SessionkitMetrics.builder(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).build()
                        .build(builder);
            case "observations": {
                PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                ObservationRegistry observations = ObservationRegistry.create();
                observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(registry));
                return SessionkitMetrics.builder(registry).observations(observations).build().build(builder);
            }
            default:
                throw new IllegalArgumentException("metrics variant " + variant + "; accepted: " + VARIANTS);
        }
    }

    /** A CPU time in microseconds, for the report. */
    static String micros(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** The contender name a variant's results carry. */
    static String label(String variant) {
        return SessionkitContender.NAME + ", metrics " + variant;
    }

    /**
     * The median over rounds of how much slower {@code on} was than {@code off} in the same round,
     * as a percentage; both hold one score per round, in round order.
     */
    static String cost(Optional<Results.Throughput> on, Optional<Results.Throughput> off) {
        if (on.isEmpty() || off.isEmpty() || on.get().iterations().size() != off.get().iterations().size()) {
            return "–";
        }
        List<Double> costs = new ArrayList<>();
        for (int i = 0; i < on.get().iterations().size(); i++) {
            costs.add((1 - on.get().iterations().get(i) / off.get().iterations().get(i)) * 100);
        }
        return String.format(Locale.ROOT, "%+.1f %%", Results.median(costs));
    }

    /**
     * What a run measured: throughput per shape and variant, and the client threads' CPU time per
     * operation (microseconds, median over rounds), which other processes on the machine disturb
     * far less than throughput.
     */
    record Measured(List<Results.Throughput> throughput, Map<String, Map<String, Double>> cpuMicrosPerOp) {
    }

    /** Measures every shape at {@code threads} threads; one warm-up round per variant, then {@code rounds}. */
    static Measured run(String jdbcUrl, Path dataDir, int threads, int rounds, Duration roundTime)
            throws Exception {
        Map<String, SessionkitContender> contenders = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Results.Throughput> measured = new ArrayList<>();
        Map<String, Map<String, Double>> cpu = new LinkedHashMap<>();
        try {
            for (String variant : VARIANTS) {
                SessionkitContender contender = new SessionkitContender(jdbcUrl, false, variant);
                contender.attach(dataDir);
                contenders.put(variant, contender);
            }
            Random order = new Random(42);
            for (String shape : SHAPES) {
                Map<String, List<Double>> scores = new LinkedHashMap<>();
                Map<String, List<Double>> cpuPerOp = new LinkedHashMap<>();
                VARIANTS.forEach(v -> scores.put(v, new ArrayList<>()));
                VARIANTS.forEach(v -> cpuPerOp.put(v, new ArrayList<>()));
                for (int round = -1; round < rounds; round++) {
                    List<String> shuffled = new ArrayList<>(VARIANTS);
                    Collections.shuffle(shuffled, order);
                    for (String variant : shuffled) {
                        double[] result = round(pool, threads, contenders.get(variant), shape, roundTime);
                        if (round >= 0) {
                            scores.get(variant).add(result[0]);
                            cpuPerOp.get(variant).add(result[1]);
                        }
                    }
                }
                Map<String, Double> cpuOfShape = new LinkedHashMap<>();
                VARIANTS.forEach(v -> cpuOfShape.put(v, Results.median(cpuPerOp.get(v))));
                cpu.put(shape, cpuOfShape);
                for (String variant : VARIANTS) {
                    List<Double> s = scores.get(variant);
                    measured.add(new Results.Throughput("metrics", shape, label(variant), threads, Results.median(s),
                            s.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                            s.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), List.copyOf(s)));
                }
            }
        } finally {
            pool.shutdownNow();
            contenders.values().forEach(SessionkitContender::close);
        }
        return new Measured(measured, cpu);
    }

    /**
     * Runs {@code shape} on {@code threads} threads for {@code time}: operations per second, and the
     * workers' CPU time per operation in microseconds.
     */
    private static double[] round(ExecutorService pool, int threads, SessionkitContender db, String shape, Duration time)
            throws Exception {
        LongAdder done = new LongAdder();
        LongAdder cpuNanos = new LongAdder();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int sessions = db.sessions();
        long start = System.nanoTime();
        long end = start + time.toNanos();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                long cpuStart = mx.getCurrentThreadCpuTime();
                while (System.nanoTime() < end) {
                    switch (shape) {
                        case "readOnly" -> db.readOnly(ThreadLocalRandom.current().nextInt(sessions));
                        case "modify" -> db.modify(ThreadLocalRandom.current().nextInt(sessions));
                        case "create" -> db.create();
                        default -> throw new IllegalArgumentException(shape);
                    }
                    done.increment();
                }
                cpuNanos.add(mx.getCurrentThreadCpuTime() - cpuStart);
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        return new double[] {done.sum() / ((System.nanoTime() - start) / 1e9), cpuNanos.sum() / 1e3 / done.sum()};
    }
}
