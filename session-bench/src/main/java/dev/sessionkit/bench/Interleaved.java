package dev.sessionkit.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;

/**
 * Two contenders measured in alternating short rounds in one JVM: round {@code i} runs A for
 * {@code slice}, then B for {@code slice} (B first in every other round), each on {@code threads}
 * threads doing one request after another on random sessions. The ratio of every round is
 * computed, and their median and range reported. On a machine whose load swings (other builds,
 * other benchmarks, a disk whose fsync takes from one to tens of milliseconds), A and B of one round
 * see nearly the same conditions, where back-to-back JMH runs of a minute each do not; the spread of
 * the per-round ratios shows how much a ratio means.
 */
final class Interleaved {

    private Interleaved() {
    }

    /** One side: a request on session {@code i} of {@code sessions}. */
    record Side(String name, int sessions, IntConsumer request) {
    }

    /**
     * Runs {@code warmups} unrecorded rounds, then {@code rounds} recorded ones, and returns A's
     * and B's operations per second per round and the ratio A / B per round.
     */
    static Results.Paired run(String suite, String shape, Side a, Side b, int threads, int warmups, int rounds,
            long sliceMillis) {
        List<Double> aRates = new ArrayList<>();
        List<Double> bRates = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round < warmups + rounds; round++) {
            boolean aFirst = round % 2 == 0;
            double first = rate(aFirst ? a : b, threads, sliceMillis);
            double second = rate(aFirst ? b : a, threads, sliceMillis);
            double ra = aFirst ? first : second;
            double rb = aFirst ? second : first;
            if (round >= warmups) {
                aRates.add(ra);
                bRates.add(rb);
                ratios.add(ra / rb);
            }
        }
        return new Results.Paired(suite, shape, a.name(), b.name(), threads, sliceMillis, aRates, bRates, ratios,
                Results.median(ratios), ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
    }

    /**
     * The same for any number of sides: in each round every side runs once for {@code sliceMillis},
     * the first side of round {@code r} being side {@code r % n} (so each side runs first, second, …
     * equally often). Returns, per recorded round, the operations per second of each side, in the
     * order of {@code sides}.
     */
    static List<double[]> rounds(List<Side> sides, int threads, int warmups, int rounds, long sliceMillis) {
        int n = sides.size();
        List<double[]> recorded = new ArrayList<>();
        for (int round = 0; round < warmups + rounds; round++) {
            double[] rates = new double[n];
            for (int k = 0; k < n; k++) {
                int side = (round + k) % n;
                rates[side] = rate(sides.get(side), threads, sliceMillis);
            }
            if (round >= warmups) {
                recorded.add(rates);
            }
        }
        return recorded;
    }

    /** Operations per second of {@code side} on {@code threads} threads for about {@code millis}. */
    private static double rate(Side side, int threads, long millis) {
        LongAdder done = new LongAdder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        long[] window = new long[2];
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (System.nanoTime() < window[1]) {
                        side.request().accept(random.nextInt(side.sessions()));
                        done.increment();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                }
            }, "interleaved-" + side.name() + "-" + t);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        window[0] = System.nanoTime();
        window[1] = window[0] + millis * 1_000_000;
        start.countDown();
        for (Thread worker : workers) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        long elapsed = System.nanoTime() - window[0];
        if (failure.get() != null) {
            throw new IllegalStateException(side.name() + " failed: " + failure.get(), failure.get());
        }
        return done.sum() / (elapsed / 1e9);
    }
}
