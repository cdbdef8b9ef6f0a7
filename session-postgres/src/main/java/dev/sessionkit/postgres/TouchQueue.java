package dev.sessionkit.postgres;

import dev.sessionkit.LookupKey;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.Touch;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-behind queue of {@link PostgresSessionStore}: touches wait here, one entry per
 * session key, and a daemon thread writes them in batches of at most {@code batchSize} through
 * a {@link Writer} (one statement per batch), every {@code interval} or as soon as a batch is full.
 *
 * <ul>
 *   <li><b>Merging.</b> A key queued again keeps its place and the greater of each time (and the
 *       earlier {@code now}, see {@link Entry}), so a session is written once per batch with its
 *       latest touch.</li>
 *   <li><b>Bound.</b> At most {@code capacity} keys; a new key on a full queue drops the oldest
 *       entry, which is counted. A lost touch leaves the session's expiry where its last written
 *       touch put it: it can only expire earlier, never later.</li>
 *   <li><b>Failure.</b> A batch that fails goes back to the front of the queue for the next
 *       attempt, within the bound (beyond it the oldest are dropped and counted); the first
 *       failure of an outage logs one WARN, the first success after it one INFO with the count
 *       dropped meanwhile. Nothing is ever thrown into a request: {@link #add} only queues.</li>
 *   <li><b>Flush and close.</b> {@link #flush()} writes what is queued when it is called, on the
 *       caller's thread, after any batch in flight, and throws when that fails (the entries stay
 *       queued). {@link #close()} stops the thread and writes what is left, stopping at the first
 *       failure (what is then left is dropped, counted, and logged once).</li>
 * </ul>
 *
 * <p>Keys are never logged. Thread-safe.
 */
final class TouchQueue extends BackgroundQueue {

    private static final Logger LOG = LoggerFactory.getLogger(TouchQueue.class);
    /** How long {@link #close()} waits for the flushing thread to finish a batch in flight. */
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);
    /** How often one write of the queue writes a batch again that PostgreSQL ended to break a deadlock. */
    private static final int DEADLOCK_RETRIES = 3;

    /** Writes one batch in one statement, and returns the rows it updated. */
    interface Writer {
        int write(List<Entry> batch) throws SQLException;
    }

    /**
     * One session's queued touch: the greatest times asked for, and the earliest request time that
     * saw the session live. The merged touch is as valid as the earliest one: had that been written
     * at once, the session would have been live for the later requests too.
     */
    record Entry(LookupKey key, Instant lastAccessedAt, Instant idleExpiresAt, Instant now) {

        Entry merge(Entry other) {
            return new Entry(key, later(lastAccessedAt, other.lastAccessedAt), later(idleExpiresAt, other.idleExpiresAt),
                    now.isBefore(other.now) ? now : other.now);
        }

        private static Instant later(Instant a, Instant b) {
            return a.isAfter(b) ? a : b;
        }
    }

    /**
     * The queue's counters since it was made.
     *
     * @param queued  touches handed to {@link TouchQueue#add} (a key queued twice counts twice)
     * @param written entries written by a batch that committed (an entry whose session had ended
     *                meanwhile counts too: nothing was lost, there was nothing to write)
     * @param dropped entries dropped: the queue was full, or a write failed and the queue could
     *                not keep them, or {@link TouchQueue#close()} could not write them
     * @param pending entries waiting now
     */
    record Counts(long queued, long written, long dropped, int pending) {
    }

    private final String logName;
    private final Writer writer;
    private final Duration interval;
    private final int batchSize;
    private final int capacity;
    /** Oldest first; guarded by {@link #lock}. */
    private LinkedHashMap<LookupKey, Entry> entries = new LinkedHashMap<>();
    /** One batch at a time, whether written by the thread or by {@link #flush()}. */
    private final Object writing = new Object();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    /** Guarded by {@link #writing}. */
    private boolean failing;
    /** Guarded by {@link #writing}: drops since the current outage began. */
    private long droppedAtOutage;

    /**
     * @param logName   the table, for log lines
     * @param writer    writes one batch in one statement
     * @param interval  how often the thread writes what is queued
     * @param batchSize entries per statement, at least 1
     * @param capacity  keys the queue holds, at least 1
     */
    TouchQueue(String logName, Writer writer, Duration interval, int batchSize, int capacity) {
        super("sessionkit-touches " + logName, JOIN_TIMEOUT);
        this.logName = logName;
        this.writer = writer;
        this.interval = interval;
        this.batchSize = batchSize;
        this.capacity = capacity;
    }

    /** Queues a touch; never blocks on the database and never throws. */
    void add(LookupKey key, Touch touch, Instant now) {
        Entry entry = new Entry(key, touch.lastAccessedAt(), touch.idleExpiresAt(), now);
        queued.incrementAndGet();
        lock.lock();
        try {
            if (!openLocked()) {
                // a request that raced the store's close: nothing will write it any more
                dropped.incrementAndGet();
                return;
            }
            Entry before = entries.get(key);
            if (before != null) {
                entries.put(key, before.merge(entry));
            } else {
                if (entries.size() >= capacity) {
                    Iterator<LookupKey> oldest = entries.keySet().iterator();
                    oldest.next();
                    oldest.remove();
                    dropped.incrementAndGet();
                }
                entries.put(key, entry);
            }
            if (entries.size() >= batchSize) {
                wake.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes every entry queued now, after a batch in flight, on the calling thread.
     *
     * @throws StoreUnavailableException when a batch fails; it and the rest stay queued
     */
    void flush() {
        Exception failure = sendQueued();
        if (failure instanceof SQLException e) {
            throw SqlFailures.unavailable("flush", e);
        }
        if (failure != null) {
            throw (RuntimeException) failure;
        }
    }

    Counts counts() {
        lock.lock();
        try {
            return new Counts(queued.get(), written.get(), dropped.get(), entries.size());
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected int clearLocked() {
        int lost = entries.size();
        entries = new LinkedHashMap<>();
        return lost;
    }

    @Override
    protected void abandoned(int lost, Exception failure) {
        LOG.warn("[{}] {} queued touches were not written at close ({}); those sessions keep the expiry"
                + " of their last written touch", logName, lost, describe(failure));
    }

    @Override
    protected void work() throws InterruptedException {
        long intervalNanos = interval.toNanos();
        boolean[] backOff = {false};
        // a full batch is written at once, unless the last attempt failed: then a whole interval passes
        while (await(intervalNanos, () -> !backOff[0] && entries.size() >= batchSize)) {
            backOff[0] = sendQueued() != null;
        }
    }

    /**
     * Writes, batch by batch, as many entries as are queued when it starts; returns the failure
     * that stopped it (an {@link SQLException}, or a {@link RuntimeException} of the writer; the
     * failed batch back at the front of the queue), or null.
     */
    @Override
    protected Exception sendQueued() {
        synchronized (writing) {
            int remaining;
            lock.lock();
            try {
                remaining = entries.size();
            } finally {
                lock.unlock();
            }
            int deadlocks = 0;
            while (remaining > 0) {
                List<Entry> batch = take(Math.min(remaining, batchSize));
                if (batch.isEmpty()) {
                    return null;
                }
                remaining -= batch.size();
                try {
                    writer.write(batch);
                } catch (SQLException e) {
                    putBack(batch);
                    if (SqlFailures.isDeadlock(e) && deadlocks++ < DEADLOCK_RETRIES) {
                        // two instances flushed overlapping sessions at once and PostgreSQL chose this batch
                        LOG.debug("[{}] a batch of {} touches was a deadlock victim; written again", logName,
                                batch.size());
                        remaining += batch.size();
                        continue;
                    }
                    failed(e);
                    return e;
                } catch (RuntimeException e) {
                    putBack(batch);
                    failed(e);
                    return e;
                }
                written.addAndGet(batch.size());
                recovered();
            }
            return null;
        }
    }

    /** The oldest {@code count} entries, taken out of the queue. */
    private List<Entry> take(int count) {
        lock.lock();
        try {
            List<Entry> batch = new ArrayList<>(count);
            Iterator<Entry> oldest = entries.values().iterator();
            while (batch.size() < count && oldest.hasNext()) {
                batch.add(oldest.next());
                oldest.remove();
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts a failed batch back in front of what was queued meanwhile (merging entries of the same
     * key), then drops the oldest beyond the capacity.
     */
    private void putBack(List<Entry> batch) {
        lock.lock();
        try {
            LinkedHashMap<LookupKey, Entry> merged = new LinkedHashMap<>();
            for (Entry entry : batch) {
                merged.put(entry.key(), entry);
            }
            for (Map.Entry<LookupKey, Entry> newer : entries.entrySet()) {
                merged.merge(newer.getKey(), newer.getValue(), Entry::merge);
            }
            int excess = merged.size() - capacity;
            if (excess > 0) {
                Iterator<LookupKey> oldest = merged.keySet().iterator();
                for (int i = 0; i < excess; i++) {
                    oldest.next();
                    oldest.remove();
                }
                dropped.addAndGet(excess);
            }
            entries = merged;
        } finally {
            lock.unlock();
        }
    }

    private void failed(Exception e) {
        if (!failing) {
            failing = true;
            droppedAtOutage = dropped.get();
            LOG.warn("[{}] touches are not being written ({}); up to {} sessions' touches wait for the next attempt,"
                    + " every {}, and the oldest beyond that are dropped", logName, describe(e), capacity,
                    dev.sessionkit.EnvironmentVariables.format(interval));
            if (e instanceof RuntimeException) {
                LOG.debug("[{}] the touch writer's failure", logName, e);
            }
        }
    }

    /** What went wrong, without the driver's message (a server message can quote bound values). */
    private static String describe(Exception e) {
        return e instanceof SQLException sql ? SqlFailures.unavailable("touch", sql).getMessage()
                : "unexpected " + e.getClass().getName();
    }

    private void recovered() {
        if (failing) {
            failing = false;
            LOG.info("[{}] touches are written again; {} were dropped meanwhile", logName,
                    dropped.get() - droppedAtOutage);
        }
    }
}
