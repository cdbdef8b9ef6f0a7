package dev.sessionkit.postgres;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionStatus;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a store's announcements (sessions ended, sessions moved) off the request thread, many in
 * one statement.
 *
 * <p>Why not {@code pg_notify} in the statement that ends or moves the session: PostgreSQL
 * serialises the commits of all transactions that notify (a database-wide lock taken before the
 * commit and held until it is flushed), so every login and logout of every instance would wait in
 * one line for the WAL flushes of the others'. Here the request's statement only returns the keys
 * it ended; this queue sends them after it committed: the thread sends what is queued (one
 * statement per 500 notifications), then pauses {@link #PAUSE}, so an instance runs one notifying
 * transaction per pause, not one per logout.
 *
 * <ul>
 *   <li><b>Order.</b> Events go out in the order they were queued; consecutive ends with the same
 *       reason share a notification (up to {@link EventPayload#KEYS_PER_NOTICE} keys). Another
 *       instance's events (or the sweep's, sent at once) about the same session may overtake
 *       them.</li>
 *   <li><b>Bound.</b> At most {@link #CAPACITY} events wait; beyond that the oldest is dropped and
 *       counted. A dropped event is an event other instances do not hear; nothing is lost in the
 *       table.</li>
 *   <li><b>Failure.</b> A batch that fails stays queued for the next attempt, a second later; the
 *       first failure of an outage logs one WARN, the first success after it one INFO.</li>
 *   <li><b>Flush and close.</b> {@link #flush()} sends what is queued on the caller's thread;
 *       {@link #close()} stops the thread and sends what is left once.</li>
 * </ul>
 *
 * <p>Keys are never logged. Thread-safe.
 */
final class EventAnnouncer extends BackgroundQueue {

    private static final Logger LOG = LoggerFactory.getLogger(EventAnnouncer.class);
    /** The pause after each send, so that one instance notifies in at most one transaction per pause. */
    static final Duration PAUSE = Duration.ofMillis(20);
    /** The pause after a send that failed. */
    private static final Duration RETRY = Duration.ofSeconds(1);
    /** Events waiting at most. */
    static final int CAPACITY = 10_000;
    /** Notifications one statement sends at most. */
    private static final int PER_STATEMENT = 500;
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    /** Sends the payloads, in order, in one statement. */
    @FunctionalInterface
    interface Sender {
        void send(List<String> payloads) throws SQLException;
    }

    /** One event: {@code newKey} is null for an end. */
    private record Event(String code, LookupKey key, LookupKey newKey) {
    }

    /**
     * @param queued  events handed to the announcer
     * @param sent    events in a statement that succeeded
     * @param dropped events dropped (queue full, or not sendable at close)
     * @param pending events waiting now
     * @param statements statements that sent events and succeeded
     */
    record Counts(long queued, long sent, long dropped, int pending, long statements) {
    }

    private final String logName;
    private final String origin;
    private final Sender sender;
    /** Oldest first; guarded by {@link #lock}. */
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    /** One send at a time, by the thread or by {@link #flush()}. */
    private final Object sending = new Object();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong statements = new AtomicLong();
    /** Guarded by {@link #sending}. */
    private boolean failing;

    EventAnnouncer(String logName, String origin, Sender sender) {
        super("sessionkit-announce " + logName, JOIN_TIMEOUT);
        this.logName = logName;
        this.origin = origin;
        this.sender = sender;
    }

    /** Queues the end of {@code keys} with {@code reason}; never blocks on the database, never throws. */
    void ended(SessionStatus reason, List<LookupKey> keys) {
        if (keys.isEmpty()) {
            return;
        }
        List<Event> batch = new ArrayList<>(keys.size());
        for (LookupKey key : keys) {
            batch.add(new Event(reason.code(), key, null));
        }
        add(batch);
    }

    /** Queues the move of a session from {@code from} to {@code to}. */
    void moved(LookupKey from, LookupKey to) {
        add(List.of(new Event(EventPayload.MOVED, from, to)));
    }

    private void add(List<Event> batch) {
        queued.addAndGet(batch.size());
        lock.lock();
        try {
            if (!openLocked()) {
                dropped.addAndGet(batch.size());
                return;
            }
            for (Event event : batch) {
                if (events.size() >= CAPACITY) {
                    events.pollFirst();
                    dropped.incrementAndGet();
                }
                events.addLast(event);
            }
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends every event queued now, after a send in flight, on the calling thread.
     *
     * @throws dev.sessionkit.StoreUnavailableException when a send fails; the events stay queued
     */
    void flush() {
        SQLException failure = sendQueued();
        if (failure != null) {
            throw SqlFailures.unavailable("announce", failure);
        }
    }

    Counts counts() {
        lock.lock();
        try {
            return new Counts(queued.get(), sent.get(), dropped.get(), events.size(), statements.get());
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected int clearLocked() {
        int lost = events.size();
        events.clear();
        return lost;
    }

    @Override
    protected void abandoned(int lost, Exception failure) {
        LOG.warn("[{}] {} session events were not announced at close ({}); other instances do not hear them",
                logName, lost, describe(failure));
    }

    @Override
    protected void work() throws InterruptedException {
        while (await(Long.MAX_VALUE, () -> !events.isEmpty())) {
            long pause = sendQueued() == null ? PAUSE.toNanos() : RETRY.toNanos();
            if (!await(pause, () -> false)) {
                return;
            }
        }
    }

    /**
     * Sends, statement by statement, as many events as are queued when it starts (events queued
     * meanwhile wait for the next call, so the thread pauses between sends however fast sessions
     * end); returns the failure that stopped it, or null.
     */
    @Override
    protected SQLException sendQueued() {
        synchronized (sending) {
            int remaining;
            lock.lock();
            try {
                remaining = events.size();
            } finally {
                lock.unlock();
            }
            while (remaining > 0) {
                List<Event> batch = take(remaining);
                if (batch.isEmpty()) {
                    return null;
                }
                remaining -= batch.size();
                try {
                    sender.send(payloads(origin, batch));
                } catch (SQLException e) {
                    putBack(batch);
                    failed(e, null);
                    return e;
                } catch (RuntimeException | Error e) {
                    // the thread goes on: a bug of the sender must not stop every later announcement
                    putBack(batch);
                    failed(null, e);
                    return new SQLException("the announcer's sender failed unexpectedly", "08000", e);
                }
                sent.addAndGet(batch.size());
                statements.incrementAndGet();
                if (failing) {
                    failing = false;
                    LOG.info("[{}] session events are announced again; {} were dropped so far", logName,
                            dropped.get());
                }
            }
            return null;
        }
    }

    /** The first failure of an outage: one WARN (with the stack of an unexpected one). */
    private void failed(SQLException sql, Throwable unexpected) {
        if (failing) {
            return;
        }
        failing = true;
        if (sql != null) {
            LOG.warn("[{}] session events are not being announced ({}); up to {} wait for the next attempt,"
                    + " the oldest beyond that are dropped", logName, describe(sql), CAPACITY);
        } else {
            LOG.warn("[{}] announcing session events failed unexpectedly; up to {} wait for the next attempt",
                    logName, CAPACITY, unexpected);
        }
    }

    /** The oldest events, at most {@code limit}, that fill one statement, taken out of the queue. */
    private List<Event> take(int limit) {
        lock.lock();
        try {
            List<Event> batch = new ArrayList<>();
            int notices = 0;
            Event last = null;
            int keysInNotice = 0;
            while (!events.isEmpty() && batch.size() < limit) {
                Event next = events.peekFirst();
                boolean joins = last != null && next.newKey() == null && last.newKey() == null
                        && next.code().equals(last.code()) && keysInNotice < EventPayload.KEYS_PER_NOTICE;
                if (!joins) {
                    if (notices == PER_STATEMENT) {
                        break;
                    }
                    notices++;
                    keysInNotice = 0;
                }
                batch.add(events.pollFirst());
                keysInNotice++;
                last = next;
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private void putBack(List<Event> batch) {
        lock.lock();
        try {
            for (int i = batch.size() - 1; i >= 0; i--) {
                events.addFirst(batch.get(i));
            }
            while (events.size() > CAPACITY) {
                events.pollFirst();
                dropped.incrementAndGet();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The notifications of {@code batch}, in order: consecutive ends of one reason share one, up to the key limit. */
    private static List<String> payloads(String origin, List<Event> batch) {
        List<String> payloads = new ArrayList<>();
        int i = 0;
        while (i < batch.size()) {
            Event first = batch.get(i);
            if (first.newKey() != null) {
                payloads.add(EventPayload.moved(origin, first.key(), first.newKey()));
                i++;
                continue;
            }
            List<LookupKey> keys = new ArrayList<>();
            while (i < batch.size() && batch.get(i).newKey() == null && batch.get(i).code().equals(first.code())
                    && keys.size() < EventPayload.KEYS_PER_NOTICE) {
                keys.add(batch.get(i).key());
                i++;
            }
            payloads.add(EventPayload.ended(origin, first.code(), keys));
        }
        return payloads;
    }

    /** What went wrong, without the driver's message (a server message can quote bound values). */
    private static String describe(Exception e) {
        return e instanceof SQLException sql ? SqlFailures.unavailable("announce", sql).getMessage()
                : "unexpected " + e.getClass().getName();
    }
}
