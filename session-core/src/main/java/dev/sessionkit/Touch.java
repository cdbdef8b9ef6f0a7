package dev.sessionkit;

import java.time.Instant;
import java.util.Objects;

/**
 * A write of a session's access time and idle expiry. Stores apply both with "only forward"
 * semantics ({@code GREATEST}), so a slow request can never rewind a session's expiry.
 *
 * @param lastAccessedAt the new access time
 * @param idleExpiresAt  the new idle expiry
 */
public record Touch(Instant lastAccessedAt, Instant idleExpiresAt) {

    /** @throws NullPointerException if either time is null */
    public Touch {
        Objects.requireNonNull(lastAccessedAt, "lastAccessedAt");
        Objects.requireNonNull(idleExpiresAt, "idleExpiresAt");
    }
}
