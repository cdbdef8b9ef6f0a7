package dev.sessionkit.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Purges {@code rows} expired sessions, bulk-inserted beforehand, the contender's own way
 * (sessionkit: {@code SessionManager.sweepNow()}, bounded batches; Spring Session JDBC:
 * {@code cleanUpExpiredSessions()}, one DELETE cascading to the attribute table; raw: one DELETE),
 * while {@value #LOOP_THREADS} threads run read-only requests of the same contender on its live
 * sessions. The loop's p99 while the purge runs is compared with its p99 just before.
 */
final class PurgeComparison {

    static final int LOOP_THREADS = 2;

    private PurgeComparison() {
    }

    static Results.Purge run(DbContender db, int rows, int rounds, long idleWindowMillis) {
        List<Double> millis = new ArrayList<>();
        List<Long> idle = new ArrayList<>();
        List<Long> during = new ArrayList<>();
        long errors = 0;
        long left = 0;
        for (int round = 0; round < rounds; round++) {
            db.seedExpired(rows);
            RequestLoop loop = new RequestLoop(db);
            loop.start();
            sleep(idleWindowMillis);
            long t0 = System.nanoTime();
            db.purge();
            long t1 = System.nanoTime();
            sleep(100);
            loop.stop();
            millis.add((t1 - t0) / 1e6);
            long idleFrom = t0 - idleWindowMillis * 1_000_000 / 2; // the first half warms the loop
            idle.addAll(loop.latencies(idleFrom, t0));
            during.addAll(loop.latencies(t0, t1));
            errors += loop.errors();
            left += db.countExpired();
        }
        return new Results.Purge(db.name(), rows, millis, Results.median(millis),
                millis.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                millis.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                p99Millis(idle), p99Millis(during), idle.size(), during.size(), errors, left);
    }

    static double p99Millis(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        int index = (int) Math.ceil(0.99 * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Read-only requests on random live sessions, each start time and latency recorded. */
    private static final class RequestLoop {

        private final DbContender db;
        private final List<Thread> threads = new ArrayList<>();
        private final List<long[][]> samples = new ArrayList<>();
        private final int[] counts = new int[LOOP_THREADS];
        private final AtomicLong errors = new AtomicLong();
        private volatile boolean running = true;

        RequestLoop(DbContender db) {
            this.db = db;
        }

        void start() {
            for (int t = 0; t < LOOP_THREADS; t++) {
                int me = t;
                long[][] mine = {new long[1 << 16], new long[1 << 16]};
                samples.add(mine);
                Thread thread = new Thread(() -> {
                    long[][] buffer = mine;
                    int n = 0;
                    while (running) {
                        long start = System.nanoTime();
                        try {
                            db.readOnly(ThreadLocalRandom.current().nextInt(db.sessions()));
                        } catch (RuntimeException e) {
                            errors.incrementAndGet();
                        }
                        if (n == buffer[0].length) {
                            buffer = new long[][] {java.util.Arrays.copyOf(buffer[0], n * 2),
                                    java.util.Arrays.copyOf(buffer[1], n * 2)};
                            samples.set(me, buffer);
                        }
                        buffer[0][n] = start;
                        buffer[1][n] = System.nanoTime() - start;
                        n++;
                        counts[me] = n;
                    }
                }, "purge-request-loop-" + t);
                threads.add(thread);
                thread.start();
            }
        }

        void stop() {
            running = false;
            for (Thread thread : threads) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Latencies of requests that started in [from, to). Call after {@link #stop()}. */
        List<Long> latencies(long from, long to) {
            List<Long> result = new ArrayList<>();
            for (int t = 0; t < LOOP_THREADS; t++) {
                long[][] buffer = samples.get(t);
                for (int i = 0; i < counts[t]; i++) {
                    if (buffer[0][i] >= from && buffer[0][i] < to) {
                        result.add(buffer[1][i]);
                    }
                }
            }
            return result;
        }

        long errors() {
            return errors.get();
        }
    }
}
