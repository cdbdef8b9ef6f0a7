package dev.sessionkit.micrometer;

import dev.sessionkit.SessionStore;
import dev.sessionkit.postgres.TouchQueueCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The PostgreSQL store's write-behind touch queue as meters: {@code sessionkit.touches.queued},
 * {@code .written} and {@code .dropped} (counters) and {@code sessionkit.touches.pending} (a
 * gauge), read from its {@link TouchQueueCounters} at each scrape. Loaded only when
 * {@code session-postgres} is on the class path; a store without a queue (any other store, or
 * {@code SESSION_DB_TOUCH_MODE=sync}) gets none.
 */
final class TouchQueueMeters {

    private static final boolean POSTGRES_PRESENT = present("dev.sessionkit.postgres.TouchQueueCounters");

    private TouchQueueMeters() {
    }

    static void bindIfPresent(MeterRegistry registry, SessionStore store) {
        if (POSTGRES_PRESENT) {
            Bind.queue(registry, store);
        }
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, TouchQueueMeters.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Kept apart so that the store's classes load only when they exist. */
    private static final class Bind {

        static void queue(MeterRegistry registry, SessionStore store) {
            store.unwrap(TouchQueueCounters.class).ifPresent(counters -> {
                FunctionCounter.builder("sessionkit.touches.queued", counters, TouchQueueCounters::queued)
                        .description("touches queued by read-only requests (write-behind)").register(registry);
                FunctionCounter.builder("sessionkit.touches.written", counters, TouchQueueCounters::written)
                        .description("queued touches written by a committed batch").register(registry);
                FunctionCounter.builder("sessionkit.touches.dropped", counters, TouchQueueCounters::dropped)
                        .description("queued touches dropped unwritten (queue full, outage beyond the bound, close)")
                        .register(registry);
                Gauge.builder("sessionkit.touches.pending", counters, TouchQueueCounters::pending)
                        .description("touches waiting to be written").register(registry);
            });
        }
    }
}
