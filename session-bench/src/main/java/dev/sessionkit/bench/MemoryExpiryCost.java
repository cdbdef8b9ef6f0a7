package dev.sessionkit.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.sessionkit.LookupKey;
import dev.sessionkit.memory.CaffeineSessionStore;
import dev.sessionkit.memory.MemoryStoreSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.function.IntConsumer;

/**
 * What the memory store's per-entry expiry costs a read (issue 18, item 3), in alternating rounds
 * in this JVM ({@link Interleaved#rounds}).
 *
 * <p>{@code CaffeineSessionStore} gives every entry its own expiry ({@code Caffeine.expireAfter},
 * Caffeine's timer wheel). Its {@code expireAfterRead} returns the entry's current duration, so a
 * read never moves the expiry; but Caffeine still reads the ticker (the store's {@link Clock}) and
 * calls the expiry on every read, and when it drains its read buffer it unlinks the entry from its
 * timer-wheel bucket and links it in again ({@code TimerWheel.reschedule}), besides the frequency
 * sketch and LRU bookkeeping that a size bound needs anyway. Sides, each reading a random one of
 * {@code sessions} entries:
 *
 * <ul>
 *   <li>{@code store load}: {@code CaffeineSessionStore.load}, the read path of a request;</li>
 *   <li>{@code variable expiry}: a bare cache configured as the store's (weigher and weight bound,
 *       {@code expireAfter} with the store's read rule, a clock ticker, maintenance on the caller),
 *       {@code asMap().get};</li>
 *   <li>{@code no expiry}: the same cache without {@code expireAfter}: the size bound's
 *       bookkeeping only;</li>
 *   <li>{@code quiet read}: the first cache, read with {@code Policy.getIfPresentQuietly}: no read
 *       bookkeeping at all.</li>
 * </ul>
 *
 * <p>The cost of the expiry update on a read is {@code variable expiry} against {@code no expiry};
 * a whole request on the memory store ({@link MemoryContender.SessionkitMemory#readOnly}) is
 * measured beside them, so the difference can be read against what a request costs.
 */
final class MemoryExpiryCost {

    static final String MARKDOWN = "memory-expiry-report.md";
    static final List<String> SIDES = List.of("request", "store load", "variable expiry", "no expiry", "quiet read");

    private MemoryExpiryCost() {
    }

    /**
     * A whole read-only request on the memory store of this build against the same request on the
     * store of another build, {@code baseline} (a runnable {@code sessionkit-bench.jar}), in
     * alternating rounds in this JVM: the baseline's classes, Caffeine and Jackson included, are
     * loaded by a class loader of their own, and each side's {@code SessionkitMemory.readOnly} is
     * called the same way (reflection), so a before/after pair is measured under the same load.
     * Returns, per recorded round, nanoseconds per request of this build and of the baseline.
     */
    static List<double[]> againstBaseline(Path baseline, int sessions, int threads, int warmups, int rounds,
            long sliceMillis) throws ReflectiveOperationException, IOException {
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {baseline.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            IntConsumer before = readOnly(loader, sessions);
            IntConsumer after = readOnly(MemoryExpiryCost.class.getClassLoader(), sessions);
            List<double[]> perRound = new ArrayList<>();
            List<Interleaved.Side> sides = List.of(new Interleaved.Side("this build", sessions, after),
                    new Interleaved.Side("baseline", sessions, before));
            for (double[] rates : Interleaved.rounds(sides, threads, warmups, rounds, sliceMillis)) {
                perRound.add(new double[] {threads * 1e9 / rates[0], threads * 1e9 / rates[1]});
            }
            return perRound;
        }
    }

    private static IntConsumer readOnly(ClassLoader loader, int sessions) throws ReflectiveOperationException {
        Class<?> type = Class.forName(MemoryContender.SessionkitMemory.class.getName(), true, loader);
        java.lang.reflect.Constructor<?> constructor = type.getDeclaredConstructor(int.class);
        constructor.setAccessible(true);
        Object contender = constructor.newInstance(sessions);
        java.lang.reflect.Method read = type.getDeclaredMethod("readOnly", int.class);
        read.setAccessible(true);
        return i -> {
            try {
                read.invoke(contender, i);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** Nanoseconds per operation of each side in each recorded round, at one thread count. */
    record Measured(int threads, int sessions, List<String> sides, List<double[]> nanosPerOp) {

        double median(int side) {
            return Results.median(nanosPerOp.stream().map(r -> r[side]).toList());
        }

        /** Per round, side {@code a} minus side {@code b}, in nanoseconds; the median. */
        double medianDifference(int a, int b) {
            return Results.median(nanosPerOp.stream().map(r -> r[a] - r[b]).toList());
        }

        double minDifference(int a, int b) {
            return nanosPerOp.stream().mapToDouble(r -> r[a] - r[b]).min().orElse(Double.NaN);
        }

        double maxDifference(int a, int b) {
            return nanosPerOp.stream().mapToDouble(r -> r[a] - r[b]).max().orElse(Double.NaN);
        }
    }

    static List<Measured> run(int sessions, List<Integer> threadCounts, int warmups, int rounds, long sliceMillis) {
        List<Measured> measured = new ArrayList<>();
        Clock clock = Clock.systemUTC();
        CaffeineSessionStore store = CaffeineSessionStore.builder().build();
        try (MemoryContender.SessionkitMemory requests = new MemoryContender.SessionkitMemory(sessions)) {
            LookupKey[] keys = new LookupKey[sessions];
            String[] ids = new String[sessions];
            java.util.Random random = new java.util.Random(18);
            for (int i = 0; i < sessions; i++) {
                byte[] digest = new byte[32];
                random.nextBytes(digest);
                ids[i] = java.util.HexFormat.of().formatHex(digest);
                keys[i] = new LookupKey(ids[i]);
                store.create(dev.sessionkit.SessionData.builder().key(keys[i])
                        .attributes(Map.of(Shapes.THEME, com.fasterxml.jackson.databind.node.TextNode.valueOf("dark")))
                        .createdAt(clock.instant()).lastAccessedAt(clock.instant())
                        .idleExpiresAt(clock.instant().plus(Duration.ofHours(24)))
                        .absoluteExpiresAt(clock.instant().plus(Duration.ofDays(7)))
                        .idleTimeout(Duration.ofHours(24)).build());
            }
            Cache<String, byte[]> variable = cache(clock, true);
            Cache<String, byte[]> fixed = cache(clock, false);
            byte[] value = "{\"theme\":\"dark\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (String id : ids) {
                variable.put(id, value);
                fixed.put(id, value);
            }
            ConcurrentMap<String, byte[]> variableMap = variable.asMap();
            ConcurrentMap<String, byte[]> fixedMap = fixed.asMap();
            List<IntConsumer> operations = List.of(
                    requests::readOnly,
                    i -> require(store.load(keys[i], clock.instant()).isPresent()),
                    i -> require(variableMap.get(ids[i]) != null),
                    i -> require(fixedMap.get(ids[i]) != null),
                    i -> require(variable.policy().getIfPresentQuietly(ids[i]) != null));
            List<Interleaved.Side> sides = new ArrayList<>();
            for (int s = 0; s < SIDES.size(); s++) {
                sides.add(new Interleaved.Side(SIDES.get(s), sessions, operations.get(s)));
            }
            for (int threads : threadCounts) {
                List<double[]> perRound = new ArrayList<>();
                for (double[] rates : Interleaved.rounds(sides, threads, warmups, rounds, sliceMillis)) {
                    double[] nanos = new double[rates.length];
                    for (int s = 0; s < rates.length; s++) {
                        // per operation of one thread: the threads run side by side
                        nanos[s] = threads * 1e9 / rates[s];
                    }
                    perRound.add(nanos);
                }
                measured.add(new Measured(threads, sessions, SIDES, perRound));
            }
        } finally {
            store.close();
        }
        return measured;
    }

    private static void require(boolean found) {
        if (!found) {
            throw new IllegalStateException("entry missing");
        }
    }

    /** A cache shaped like the store's: a weight bound with a weigher, maintenance on the caller, and per-entry expiry or none. */
    private static Cache<String, byte[]> cache(Clock clock, boolean variableExpiry) {
        Caffeine<String, byte[]> builder = Caffeine.newBuilder()
                .maximumWeight(MemoryStoreSettings.DEFAULT_MAX_SESSIONS)
                .weigher((String k, byte[] v) -> 1)
                .executor(Runnable::run);
        if (!variableExpiry) {
            return builder.build();
        }
        Instant base = clock.instant();
        Ticker ticker = () -> Duration.between(base, clock.instant()).toNanos();
        long lifetime = Duration.ofHours(24).toNanos();
        return builder.ticker(ticker).expireAfter(new Expiry<String, byte[]>() {
            @Override
            public long expireAfterCreate(String key, byte[] value, long currentTime) {
                return lifetime;
            }

            @Override
            public long expireAfterUpdate(String key, byte[] value, long currentTime, long currentDuration) {
                return lifetime;
            }

            @Override
            public long expireAfterRead(String key, byte[] value, long currentTime, long currentDuration) {
                return currentDuration; // the store's rule: a read never moves the expiry
            }
        }).build();
    }

    static Path write(List<Measured> measured, Path out, Map<String, String> machine) throws IOException {
        StringBuilder md = new StringBuilder("# Memory store: what per-entry expiry costs a read\n\n");
        machine.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append("\nNanoseconds per operation (per thread), median over the rounds; differences per round, median"
                + " [min–max].\n\n| threads | sessions | ").append(String.join(" | ", SIDES))
                .append(" | variable expiry − no expiry | variable expiry − quiet read | expiry cost / request |\n|")
                .append("---|".repeat(SIDES.size() + 5)).append('\n');
        for (Measured m : measured) {
            md.append("| ").append(m.threads()).append(" | ").append(String.format(Locale.ROOT, "%,d", m.sessions()));
            for (int s = 0; s < SIDES.size(); s++) {
                md.append(String.format(Locale.ROOT, " | %.0f", m.median(s)));
            }
            md.append(String.format(Locale.ROOT, " | %.0f [%.0f–%.0f] | %.0f [%.0f–%.0f] | %.1f %% |%n",
                    m.medianDifference(2, 3), m.minDifference(2, 3), m.maxDifference(2, 3),
                    m.medianDifference(2, 4), m.minDifference(2, 4), m.maxDifference(2, 4),
                    100 * m.medianDifference(2, 3) / m.median(0)));
        }
        Path file = out.resolve(MARKDOWN);
        Files.createDirectories(out);
        Files.writeString(file, md.toString());
        return file;
    }
}
