package dev.sessionkit.spring;

import dev.sessionkit.SessionData;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionStats;
import dev.sessionkit.SessionStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.lang.Nullable;

/**
 * The actuator endpoint {@code sessions}: the store's counts, the live sessions of one principal
 * ({@code ?principal=}), and revoking one session by its handle ({@code DELETE /sessions/{handle}}).
 * Handles are lookup keys, never the secret ids in cookies. Expose and secure it like any actuator
 * endpoint.
 */
@Endpoint(id = "sessions")
public final class SessionsEndpoint {

    private final SessionManager manager;

    /** An endpoint over {@code manager}. */
    public SessionsEndpoint(SessionManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    /** The counts, and the live sessions of {@code principal} when one is given. */
    @ReadOperation
    public Report sessions(@Nullable String principal) {
        SessionStats stats = manager.stats();
        List<Entry> sessions = principal == null || principal.isBlank() ? List.of()
                : manager.sessionsOf(principal).stream().map(Entry::of).toList();
        return new Report(manager.store().name(), stats.total(), stats.active(), stats.expired(), sessions);
    }

    /** Ends one session as revoked; false when it was not live. */
    @DeleteOperation
    public boolean revoke(@Selector String handle) {
        return manager.revoke(handle, SessionStatus.REVOKED);
    }

    /**
     * What the endpoint reports.
     *
     * @param store    the store's name
     * @param total    every session the store holds
     * @param active   live sessions
     * @param expired  sessions past an expiry, not yet swept
     * @param sessions the live sessions of the principal asked for, oldest first; empty otherwise
     */
    public record Report(String store, long total, long active, long expired, List<Entry> sessions) {

        /** Copies {@code sessions}. */
        public Report {
            sessions = List.copyOf(sessions);
        }
    }

    /**
     * One live session, without its attributes.
     *
     * @param handle         the session's handle (its lookup key)
     * @param principal      the signed-in user
     * @param createdAt      creation
     * @param lastAccessedAt the last written access (moves at the touch interval)
     * @param expiresAt      the earlier of the idle and the absolute expiry
     * @param ip             the client address at creation, or null
     * @param userAgent      the user agent at creation, or null
     */
    public record Entry(String handle, String principal, Instant createdAt, Instant lastAccessedAt, Instant expiresAt,
            String ip, String userAgent) {

        static Entry of(SessionData data) {
            return new Entry(data.key().value(), data.principal(), data.createdAt(), data.lastAccessedAt(),
                    data.expiresAt(), data.ip(), data.userAgent());
        }
    }
}
