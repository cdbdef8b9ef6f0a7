package dev.sessionkit;

/**
 * Session counts of a store at one moment.
 *
 * @param total   every session the store holds, whatever its state
 * @param active  live sessions
 * @param expired active sessions past an expiry that the sweeper has not removed yet (a store whose
 *     backend drops expired entries by itself, like the in-memory one, reports fewer)
 */
public record SessionStats(long total, long active, long expired) {

    /** @throws IllegalArgumentException if a count is negative */
    public SessionStats {
        if (total < 0 || active < 0 || expired < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
    }
}
