package dev.sessionkit;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges expired sessions on a daemon thread, in bounded batches, so a large backlog never holds
 * long locks. Any number of instances may sweep one store at once; the store's
 * {@link SessionStore#purgeExpired} makes that safe.
 */
final class SessionSweeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionSweeper.class);
    // large enough that a backlog of 100,000 goes in a score of statements, small enough that one
    // statement holds its row locks (on expired rows only) for milliseconds
    static final int BATCH = 5000;
    private static final int MAX_BATCHES_PER_RUN = 10_000;

    private final SessionStore store;
    private final Clock clock;
    private final Consumer<LookupKey> onExpired;
    private final SessionInstrumentation instrumentation;
    private final ScheduledExecutorService executor;
    private volatile boolean failing;

    /** A sweeper that runs only when {@link #sweep()} is called. */
    SessionSweeper(SessionStore store, Clock clock, Consumer<LookupKey> onExpired,
            SessionInstrumentation instrumentation) {
        this.store = store;
        this.clock = clock;
        this.onExpired = onExpired;
        this.instrumentation = instrumentation;
        this.executor = null;
    }

    private SessionSweeper(SessionStore store, Clock clock, Duration interval, Consumer<LookupKey> onExpired,
            SessionInstrumentation instrumentation) {
        this.store = store;
        this.clock = clock;
        this.onExpired = onExpired;
        this.instrumentation = instrumentation;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sessionkit-sweeper");
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        executor.scheduleWithFixedDelay(this::runQuietly, ms, ms, TimeUnit.MILLISECONDS);
        LOG.info("sessionkit: expiry sweeper started for the {} store, every {}", store.name(), interval);
    }

    static SessionSweeper start(SessionStore store, Clock clock, Duration interval, Consumer<LookupKey> onExpired,
            SessionInstrumentation instrumentation) {
        return new SessionSweeper(store, clock, interval, onExpired, instrumentation);
    }

    /** One full sweep: batches until one comes back short. Returns how many sessions went. */
    int sweep() {
        int total = 0;
        int batches = 0;
        long started = System.nanoTime(); // a duration for the metric only; no decision depends on it
        try {
            for (int i = 0; i < MAX_BATCHES_PER_RUN; i++) {
                List<LookupKey> purged = store.purgeExpired(clock.instant().truncatedTo(ChronoUnit.MILLIS), BATCH);
                batches++;
                purged.forEach(onExpired);
                total += purged.size();
                if (purged.size() < BATCH) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            finished(batches, total, started, SessionInstrumentation.Outcome.of(e));
            throw e;
        }
        finished(batches, total, started, SessionInstrumentation.Outcome.OK);
        return total;
    }

    private void finished(int batches, int total, long started, SessionInstrumentation.Outcome outcome) {
        if (instrumentation != SessionInstrumentation.NONE) {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            Instrumented.quietly(instrumentation, () -> instrumentation.sweepFinished(batches, total, took, outcome));
        }
    }

    private void runQuietly() {
        try {
            int n = sweep();
            if (failing) {
                LOG.info("sessionkit: expiry sweeper recovered");
                failing = false;
            }
            if (n > 0) {
                LOG.debug("sessionkit: purged {} expired sessions", n);
            }
        } catch (StoreUnavailableException e) {
            if (!failing) {
                LOG.warn("sessionkit: expiry sweeper could not reach the {} store: {}; will retry", store.name(),
                        e.getMessage());
                failing = true;
            }
        } catch (RuntimeException e) {
            LOG.warn("sessionkit: expiry sweeper failed; will retry", e);
        }
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
