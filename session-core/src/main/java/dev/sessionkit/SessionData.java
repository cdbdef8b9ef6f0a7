package dev.sessionkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable snapshot of one session as a {@link SessionStore} holds it.
 *
 * <p>Attribute values are JSON trees. The map is copied on construction; the trees themselves are
 * shared and must be treated as read-only by everyone who receives a snapshot.
 *
 * @param key               the lookup key the store files the session under
 * @param attributes        attribute name to JSON value; never null, may be empty
 * @param principal         the signed-in user, or {@code null} for an anonymous session
 * @param createdAt         when the session was created
 * @param lastAccessedAt    when a request last wrote the session's expiry (moves at the touch interval)
 * @param idleExpiresAt     when the session ends unless touched again
 * @param absoluteExpiresAt when the session ends whatever its activity (restarts at login)
 * @param idleTimeout       the idle timeout used for touches of this session
 * @param ip                the client address at creation, or {@code null}
 * @param userAgent         the client's user agent at creation, or {@code null}
 * @param status            the life-cycle state
 * @param version           incremented by the store on every write
 */
public record SessionData(
        LookupKey key,
        Map<String, JsonNode> attributes,
        String principal,
        Instant createdAt,
        Instant lastAccessedAt,
        Instant idleExpiresAt,
        Instant absoluteExpiresAt,
        Duration idleTimeout,
        String ip,
        String userAgent,
        SessionStatus status,
        long version) {

    /**
     * @throws NullPointerException if a non-nullable component is null
     * @throws IllegalArgumentException if the idle timeout is not positive
     */
    public SessionData {
        Objects.requireNonNull(key, "key");
        attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastAccessedAt, "lastAccessedAt");
        Objects.requireNonNull(idleExpiresAt, "idleExpiresAt");
        Objects.requireNonNull(absoluteExpiresAt, "absoluteExpiresAt");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(status, "status");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
        }
    }

    /** The earlier of the idle and the absolute expiry. */
    public Instant expiresAt() {
        return idleExpiresAt.isBefore(absoluteExpiresAt) ? idleExpiresAt : absoluteExpiresAt;
    }

    /** True when the session is active and neither expiry has been reached at {@code now}. */
    public boolean isLive(Instant now) {
        return status == SessionStatus.ACTIVE && now.isBefore(expiresAt());
    }

    /** A copy with other attributes. */
    public SessionData withAttributes(Map<String, JsonNode> newAttributes) {
        return new SessionData(key, newAttributes, principal, createdAt, lastAccessedAt, idleExpiresAt,
                absoluteExpiresAt, idleTimeout, ip, userAgent, status, version);
    }

    /** A copy filed under another key. */
    public SessionData withKey(LookupKey newKey) {
        return new SessionData(newKey, attributes, principal, createdAt, lastAccessedAt, idleExpiresAt,
                absoluteExpiresAt, idleTimeout, ip, userAgent, status, version);
    }

    /** A copy with another status. */
    public SessionData withStatus(SessionStatus newStatus) {
        return new SessionData(key, attributes, principal, createdAt, lastAccessedAt, idleExpiresAt,
                absoluteExpiresAt, idleTimeout, ip, userAgent, newStatus, version);
    }

    /**
     * Returns what a store holds after applying {@code delta} to this snapshot, with the version
     * incremented. Stores that keep snapshots in memory use this; SQL stores do the same in SQL.
     * Touch times only move forward.
     */
    public SessionData apply(SessionDelta delta) {
        Map<String, JsonNode> merged = delta.mergeInto(attributes);
        String newPrincipal = delta.principalChanged() ? delta.principal() : principal;
        Instant newLast = lastAccessedAt;
        Instant newIdle = idleExpiresAt;
        if (delta.touch() != null) {
            newLast = later(lastAccessedAt, delta.touch().lastAccessedAt());
            // a new idle timeout may shorten the idle expiry; otherwise it only moves forward
            newIdle = delta.idleTimeout() != null ? delta.touch().idleExpiresAt()
                    : later(idleExpiresAt, delta.touch().idleExpiresAt());
        }
        Instant newAbsolute = delta.absoluteExpiresAt() != null ? delta.absoluteExpiresAt() : absoluteExpiresAt;
        Duration newIdleTimeout = delta.idleTimeout() != null ? delta.idleTimeout() : idleTimeout;
        return new SessionData(key, merged, newPrincipal, createdAt, newLast, newIdle, newAbsolute,
                newIdleTimeout, ip, userAgent, status, version + 1);
    }

    /** A copy touched at {@code touch}, times moving forward only, version incremented. */
    public SessionData touched(Touch touch) {
        return new SessionData(key, attributes, principal, createdAt, later(lastAccessedAt, touch.lastAccessedAt()),
                later(idleExpiresAt, touch.idleExpiresAt()), absoluteExpiresAt, idleTimeout, ip, userAgent, status,
                version + 1);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** Leaves attribute values out, so a snapshot can be logged. */
    @Override
    public String toString() {
        return "SessionData[key=" + key + ", attributes=" + attributes.keySet() + ", principal="
                + (principal == null ? "none" : "set") + ", status=" + status + ", version=" + version
                + ", expiresAt=" + expiresAt() + "]";
    }
}
