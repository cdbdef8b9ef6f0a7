package dev.sessionkit.postgres;

/**
 * The counters of a {@link PostgresSessionStore}'s write-behind touch queue
 * ({@code SESSION_DB_TOUCH_MODE=write-behind}), for operators and metrics:
 * {@code store.unwrap(TouchQueueCounters.class)}, empty in {@code sync} mode. The Micrometer
 * binding ({@code session-micrometer}) publishes them as {@code sessionkit.touches.*}.
 *
 * <p>A live view: every call reads the current value. The counts start at zero when the store is
 * built and only grow (but {@link #pending()}). Thread-safe.
 */
public interface TouchQueueCounters {

    /** Touches handed to the queue; a session touched twice before a write counts twice. */
    long queued();

    /**
     * Entries written by a batch that committed. A session touched twice before a write is one
     * entry; an entry whose session ended meanwhile counts too (nothing was lost).
     */
    long written();

    /**
     * Entries dropped without being written: the queue was full (the oldest goes), a failed batch
     * did not fit back in, or {@code close()} could not write them. Each such session keeps the
     * expiry of its last written touch.
     */
    long dropped();

    /** Entries waiting now. */
    int pending();
}
