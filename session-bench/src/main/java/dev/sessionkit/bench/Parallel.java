package dev.sessionkit.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/** Runs seeding work on a few threads, keeping results in index order. */
final class Parallel {

    static final int SEED_THREADS = 4;

    private Parallel() {
    }

    static List<String> map(int count, IntFunction<String> task) {
        String[] results = new String[count];
        forEach(count, i -> results[i] = task.apply(i));
        return List.of(results);
    }

    /** Runs {@code task} for every index below {@code count}, on {@link #SEED_THREADS} threads. */
    static void forEach(int count, IntConsumer task) {
        ExecutorService pool = Executors.newFixedThreadPool(SEED_THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < SEED_THREADS; t++) {
                int first = t;
                futures.add(pool.submit(() -> {
                    for (int i = first; i < count; i += SEED_THREADS) {
                        task.accept(i);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("seeding interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("seeding failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
