package dev.sessionkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable snapshot of one session as a {@link SessionStore} holds it.
 *
 * <p>Attribute values are JSON trees. The map is copied when a snapshot is built; the trees
 * themselves are shared and must be treated as read-only by everyone who receives a snapshot.
 *
 * <p><b>Building.</b> Snapshots are made with {@link #builder()} (or {@link #toBuilder()} for a
 * changed copy); the constructor is private. <b>Compatibility promise:</b> a component added in a
 * later version gets a default in the builder, so a store or test written against the builder
 * keeps compiling and linking; only the accessors and the builder's setters are API, never the
 * order of components.
 *
 * <p>Equal when every component is equal. {@link #toString()} leaves attribute values, the
 * principal and the client metadata out, so a snapshot can be logged.
 */
public final class SessionData {

    private final LookupKey key;
    private final Map<String, JsonNode> attributes;
    private final String principal;
    private final Instant createdAt;
    private final Instant lastAccessedAt;
    private final Instant idleExpiresAt;
    private final Instant absoluteExpiresAt;
    private final Duration idleTimeout;
    private final String ip;
    private final String userAgent;
    private final SessionStatus status;
    private final long version;
    private final Instant keyIssuedAt;

    private SessionData(Builder builder, Instant keyIssuedAt) {
        this.key = builder.key;
        this.attributes = builder.attributes;
        this.principal = builder.principal;
        this.createdAt = builder.createdAt;
        this.lastAccessedAt = builder.lastAccessedAt;
        this.idleExpiresAt = builder.idleExpiresAt;
        this.absoluteExpiresAt = builder.absoluteExpiresAt;
        this.idleTimeout = builder.idleTimeout;
        this.ip = builder.ip;
        this.userAgent = builder.userAgent;
        this.status = builder.status;
        this.version = builder.version;
        this.keyIssuedAt = keyIssuedAt;
    }

    /**
     * An empty builder: no attributes, no principal, no client metadata, status
     * {@link SessionStatus#ACTIVE}, version 0; key, the four times and the idle timeout must be set.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding every component of this snapshot, for a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The lookup key the store files the session under. */
    public LookupKey key() {
        return key;
    }

    /** Attribute name to JSON value; never null, may be empty; unmodifiable. */
    public Map<String, JsonNode> attributes() {
        return attributes;
    }

    /** The signed-in user, or {@code null} for an anonymous session. */
    public String principal() {
        return principal;
    }

    /** When the session was created. */
    public Instant createdAt() {
        return createdAt;
    }

    /** When a request last wrote the session's expiry (moves at the touch interval). */
    public Instant lastAccessedAt() {
        return lastAccessedAt;
    }

    /** When the session ends unless touched again. */
    public Instant idleExpiresAt() {
        return idleExpiresAt;
    }

    /** When the session ends whatever its activity (restarts at login). */
    public Instant absoluteExpiresAt() {
        return absoluteExpiresAt;
    }

    /** The idle timeout used for touches of this session; positive. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** The client address at creation, or {@code null}. */
    public String ip() {
        return ip;
    }

    /** The client's user agent at creation, or {@code null}. */
    public String userAgent() {
        return userAgent;
    }

    /** The life-cycle state. */
    public SessionStatus status() {
        return status;
    }

    /** Incremented by the store on every write. */
    public long version() {
        return version;
    }

    /**
     * When the session was given the key it is filed under now: its creation, its last id change
     * ({@link SessionStore#changeKey}, as at login) or its last renewal ({@link SessionStore#renewKey}).
     * {@link SessionManager} renews the id of a signed-in session once {@code SESSION_RENEWAL_INTERVAL}
     * has passed since then. Never before {@link #createdAt()}.
     */
    public Instant keyIssuedAt() {
        return keyIssuedAt;
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
        return toBuilder().attributes(newAttributes).build();
    }

    /** A copy filed under another key. */
    public SessionData withKey(LookupKey newKey) {
        return toBuilder().key(newKey).build();
    }

    /** A copy with another status. */
    public SessionData withStatus(SessionStatus newStatus) {
        return toBuilder().status(newStatus).build();
    }

    /**
     * Returns what a store holds after applying {@code delta} to this snapshot, with the version
     * incremented. Stores that keep snapshots in memory use this; SQL stores do the same in SQL.
     * Touch times only move forward.
     */
    public SessionData apply(SessionDelta delta) {
        Builder next = toBuilder().attributes(delta.mergeInto(attributes)).version(version + 1);
        if (delta.principalChanged()) {
            next.principal(delta.principal());
        }
        if (delta.touch() != null) {
            next.lastAccessedAt(later(lastAccessedAt, delta.touch().lastAccessedAt()));
            // a new idle timeout may shorten the idle expiry; otherwise it only moves forward
            next.idleExpiresAt(delta.idleTimeout() != null ? delta.touch().idleExpiresAt()
                    : later(idleExpiresAt, delta.touch().idleExpiresAt()));
        }
        if (delta.absoluteExpiresAt() != null) {
            next.absoluteExpiresAt(delta.absoluteExpiresAt());
        }
        if (delta.idleTimeout() != null) {
            next.idleTimeout(delta.idleTimeout());
        }
        return next.build();
    }

    /** A copy touched at {@code touch}, times moving forward only, version incremented. */
    public SessionData touched(Touch touch) {
        return toBuilder()
                .lastAccessedAt(later(lastAccessedAt, touch.lastAccessedAt()))
                .idleExpiresAt(later(idleExpiresAt, touch.idleExpiresAt()))
                .version(version + 1)
                .build();
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof SessionData that
                && version == that.version
                && key.equals(that.key)
                && attributes.equals(that.attributes)
                && Objects.equals(principal, that.principal)
                && createdAt.equals(that.createdAt)
                && lastAccessedAt.equals(that.lastAccessedAt)
                && idleExpiresAt.equals(that.idleExpiresAt)
                && absoluteExpiresAt.equals(that.absoluteExpiresAt)
                && idleTimeout.equals(that.idleTimeout)
                && Objects.equals(ip, that.ip)
                && Objects.equals(userAgent, that.userAgent)
                && status == that.status
                && keyIssuedAt.equals(that.keyIssuedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, attributes, principal, createdAt, lastAccessedAt, idleExpiresAt, absoluteExpiresAt,
                idleTimeout, ip, userAgent, status, version, keyIssuedAt);
    }

    /** Leaves attribute values out, so a snapshot can be logged. */
    @Override
    public String toString() {
        return "SessionData[key=" + key + ", attributes=" + attributes.keySet() + ", principal="
                + (principal == null ? "none" : "set") + ", status=" + status + ", version=" + version
                + ", expiresAt=" + expiresAt() + "]";
    }

    /**
     * Builds a {@link SessionData}. Setters only record their argument; {@link #build()} checks
     * everything at once. Not thread-safe; a builder can build several snapshots.
     */
    public static final class Builder {

        private LookupKey key;
        private Map<String, JsonNode> attributes = Map.of();
        private String principal;
        private Instant createdAt;
        private Instant lastAccessedAt;
        private Instant idleExpiresAt;
        private Instant absoluteExpiresAt;
        private Duration idleTimeout;
        private String ip;
        private String userAgent;
        private SessionStatus status = SessionStatus.ACTIVE;
        private long version;
        private Instant keyIssuedAt;

        private Builder() {
        }

        private Builder(SessionData data) {
            this.key = data.key;
            this.attributes = data.attributes;
            this.principal = data.principal;
            this.createdAt = data.createdAt;
            this.lastAccessedAt = data.lastAccessedAt;
            this.idleExpiresAt = data.idleExpiresAt;
            this.absoluteExpiresAt = data.absoluteExpiresAt;
            this.idleTimeout = data.idleTimeout;
            this.ip = data.ip;
            this.userAgent = data.userAgent;
            this.status = data.status;
            this.version = data.version;
            this.keyIssuedAt = data.keyIssuedAt;
        }

        /** The lookup key; required. */
        public Builder key(LookupKey value) {
            this.key = value;
            return this;
        }

        /** Every attribute, replacing those set before; copied by {@link #build()}. Default: none. */
        public Builder attributes(Map<String, JsonNode> value) {
            this.attributes = value;
            return this;
        }

        /** The signed-in user, or {@code null} (the default) for an anonymous session. */
        public Builder principal(String value) {
            this.principal = value;
            return this;
        }

        /** When the session was created; required. */
        public Builder createdAt(Instant value) {
            this.createdAt = value;
            return this;
        }

        /** When a request last wrote the expiry; required. */
        public Builder lastAccessedAt(Instant value) {
            this.lastAccessedAt = value;
            return this;
        }

        /** The idle expiry; required. */
        public Builder idleExpiresAt(Instant value) {
            this.idleExpiresAt = value;
            return this;
        }

        /** The absolute expiry; required. */
        public Builder absoluteExpiresAt(Instant value) {
            this.absoluteExpiresAt = value;
            return this;
        }

        /** The idle timeout; required and positive. */
        public Builder idleTimeout(Duration value) {
            this.idleTimeout = value;
            return this;
        }

        /** The client address, or {@code null} (the default). */
        public Builder ip(String value) {
            this.ip = value;
            return this;
        }

        /** The client's user agent, or {@code null} (the default). */
        public Builder userAgent(String value) {
            this.userAgent = value;
            return this;
        }

        /** The life-cycle state; default {@link SessionStatus#ACTIVE}. */
        public Builder status(SessionStatus value) {
            this.status = value;
            return this;
        }

        /** The version; default 0. */
        public Builder version(long value) {
            this.version = value;
            return this;
        }

        /**
         * When the session was given its current key, or {@code null} (the default) for its
         * {@link #createdAt(Instant) creation}; not before the creation.
         */
        public Builder keyIssuedAt(Instant value) {
            this.keyIssuedAt = value;
            return this;
        }

        /**
         * Checks the components and returns the snapshot.
         *
         * @throws NullPointerException if a required component, the attribute map, or a name or
         *     value in it is null
         * @throws IllegalArgumentException if the idle timeout is not positive, or the key was
         *     issued before the session was created
         */
        public SessionData build() {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(attributes, "attributes");
            Objects.requireNonNull(createdAt, "createdAt");
            Objects.requireNonNull(lastAccessedAt, "lastAccessedAt");
            Objects.requireNonNull(idleExpiresAt, "idleExpiresAt");
            Objects.requireNonNull(absoluteExpiresAt, "absoluteExpiresAt");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(status, "status");
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
            }
            Instant issued = keyIssuedAt != null ? keyIssuedAt : createdAt;
            if (issued.isBefore(createdAt)) {
                throw new IllegalArgumentException("keyIssuedAt " + issued + " is before createdAt " + createdAt);
            }
            attributes = Map.copyOf(attributes);
            return new SessionData(this, issued);
        }
    }
}
