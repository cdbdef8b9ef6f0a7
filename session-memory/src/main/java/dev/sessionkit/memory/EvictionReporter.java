package dev.sessionkit.memory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts sessions dropped because the store was full, and says so at WARN: at once for the first,
 * then at most once a {@link #INTERVAL} with the number dropped since the last line, so a full
 * store under load does not flood the log. Lines carry counts only, never keys.
 */
final class EvictionReporter {

    private static final Logger LOG = LoggerFactory.getLogger(EvictionReporter.class);
    static final Duration INTERVAL = Duration.ofMinutes(1);

    private final Clock clock;
    private final long maximumSize;
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong unreported = new AtomicLong();
    private final AtomicLong lastReportMillis = new AtomicLong(Long.MIN_VALUE);

    EvictionReporter(Clock clock, long maximumSize) {
        this.clock = clock;
        this.maximumSize = maximumSize;
    }

    /** Counts one eviction; returns whether this call wrote the WARN line. */
    boolean evicted() {
        total.incrementAndGet();
        unreported.incrementAndGet();
        long now = clock.millis();
        long last = lastReportMillis.get();
        if ((last == Long.MIN_VALUE || now - last >= INTERVAL.toMillis()) && lastReportMillis.compareAndSet(last, now)) {
            LOG.warn("sessionkit: the memory session store is full ({} anonymous sessions) and dropped {} anonymous"
                    + " session(s) to make room, {} since it opened (signed-in sessions are kept); raise"
                    + " SESSION_MEMORY_MAX_SESSIONS or use the postgres store",
                    maximumSize, unreported.getAndSet(0), total.get());
            return true;
        }
        return false;
    }

    /** Sessions dropped for room since the store opened. */
    long total() {
        return total.get();
    }
}
