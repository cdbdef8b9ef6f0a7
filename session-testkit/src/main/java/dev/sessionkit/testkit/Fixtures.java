package dev.sessionkit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionId;
import dev.sessionkit.SessionJson;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.Touch;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Builders for the snapshots and deltas the contract suite writes. Every time they produce has
 * whole seconds, so stores with microsecond or millisecond precision hold it exactly.
 */
final class Fixtures {

    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(30);
    static final Duration ABSOLUTE_TTL = Duration.ofDays(7);

    private Fixtures() {
    }

    /** A fresh key, derived from a random id the way the manager derives it. */
    static LookupKey newKey() {
        return SessionId.generate().lookupKey();
    }

    /** An anonymous session created at {@code createdAt}, with the default timeouts and a new key. */
    static SessionBuilder session(Instant createdAt) {
        return new SessionBuilder(createdAt);
    }

    static DeltaBuilder delta() {
        return new DeltaBuilder();
    }

    static JsonNode json(String text) {
        return SessionJson.parse(text);
    }

    static final class SessionBuilder {
        private LookupKey key = newKey();
        private final Map<String, JsonNode> attributes = new HashMap<>();
        private String principal;
        private final Instant createdAt;
        private Instant lastAccessedAt;
        private Instant idleExpiresAt;
        private Instant absoluteExpiresAt;
        private Duration idleTimeout = IDLE_TIMEOUT;
        private String ip;
        private String userAgent;
        private long version;

        private SessionBuilder(Instant createdAt) {
            this.createdAt = createdAt;
            this.lastAccessedAt = createdAt;
            this.idleExpiresAt = createdAt.plus(IDLE_TIMEOUT);
            this.absoluteExpiresAt = createdAt.plus(ABSOLUTE_TTL);
        }

        SessionBuilder key(LookupKey value) {
            this.key = value;
            return this;
        }

        /** Adds an attribute given as JSON text. */
        SessionBuilder attribute(String name, String jsonText) {
            return attribute(name, json(jsonText));
        }

        SessionBuilder attribute(String name, JsonNode value) {
            attributes.put(name, value);
            return this;
        }

        SessionBuilder principal(String value) {
            this.principal = value;
            return this;
        }

        SessionBuilder lastAccessedAt(Instant value) {
            this.lastAccessedAt = value;
            return this;
        }

        /** Sets the idle timeout and an idle expiry one timeout after the last access. */
        SessionBuilder idleTimeout(Duration value) {
            this.idleTimeout = value;
            this.idleExpiresAt = lastAccessedAt.plus(value);
            return this;
        }

        SessionBuilder idleExpiresAt(Instant value) {
            this.idleExpiresAt = value;
            return this;
        }

        SessionBuilder absoluteExpiresAt(Instant value) {
            this.absoluteExpiresAt = value;
            return this;
        }

        SessionBuilder client(String newIp, String newUserAgent) {
            this.ip = newIp;
            this.userAgent = newUserAgent;
            return this;
        }

        SessionBuilder version(long value) {
            this.version = value;
            return this;
        }

        SessionData build() {
            return new SessionData(key, attributes, principal, createdAt, lastAccessedAt, idleExpiresAt,
                    absoluteExpiresAt, idleTimeout, ip, userAgent, SessionStatus.ACTIVE, version);
        }
    }

    static final class DeltaBuilder {
        private final Map<String, JsonNode> set = new HashMap<>();
        private final Set<String> removed = new HashSet<>();
        private final Map<String, Long> increments = new HashMap<>();
        private boolean principalChanged;
        private String principal;
        private Instant absoluteExpiresAt;
        private Duration idleTimeout;
        private Touch touch;

        private DeltaBuilder() {
        }

        /** Sets an attribute given as JSON text. */
        DeltaBuilder set(String name, String jsonText) {
            return set(name, json(jsonText));
        }

        DeltaBuilder set(String name, JsonNode value) {
            set.put(name, value);
            return this;
        }

        DeltaBuilder remove(String name) {
            removed.add(name);
            return this;
        }

        DeltaBuilder increment(String name, long by) {
            increments.put(name, by);
            return this;
        }

        /** Writes the principal; {@code null} signs out. */
        DeltaBuilder principal(String value) {
            this.principalChanged = true;
            this.principal = value;
            return this;
        }

        DeltaBuilder absoluteExpiresAt(Instant value) {
            this.absoluteExpiresAt = value;
            return this;
        }

        DeltaBuilder idleTimeout(Duration value) {
            this.idleTimeout = value;
            return this;
        }

        DeltaBuilder touch(Instant lastAccessedAt, Instant idleExpiresAt) {
            this.touch = new Touch(lastAccessedAt, idleExpiresAt);
            return this;
        }

        SessionDelta build() {
            return new SessionDelta(set, removed, increments, principalChanged, principal, absoluteExpiresAt,
                    idleTimeout, touch);
        }
    }
}
