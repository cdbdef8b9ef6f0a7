package dev.sessionkit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionJson;
import dev.sessionkit.Touch;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Test data for store tests: the snapshots and deltas {@link SessionStoreContract} writes, for a
 * store's own tests too. Snapshots get a fresh key, the default timeouts and a status of
 * {@link dev.sessionkit.SessionStatus#ACTIVE}; attributes and delta values may be given as JSON
 * text. Every time these builders derive has whole seconds when the time given has, so stores
 * with microsecond or millisecond precision hold it exactly.
 *
 * <pre>{@code
 * SessionData s = Fixtures.session(now).principal("alice").attribute("cart", "[1, 2]").build();
 * SessionDelta d = Fixtures.delta().set("cart", "[3]").increment("visits", 1).build();
 * }</pre>
 *
 * <p>The builders are thin: they fill in defaults and hand over to {@link SessionData#builder()} and
 * {@link SessionDelta#builder()}, which check everything. Not thread-safe.
 */
public final class Fixtures {

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** The idle timeout of {@link #session(Instant)}: 30 minutes. */
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(30);
    /** The absolute lifetime of {@link #session(Instant)}: 7 days. */
    public static final Duration ABSOLUTE_TTL = Duration.ofDays(7);

    private Fixtures() {
    }

    /** A fresh key, derived from a random id the way the manager derives it. */
    public static LookupKey newKey() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return new LookupKey(java.util.HexFormat.of().formatHex(random));
    }

    /**
     * An anonymous session created and last accessed at {@code createdAt}, with a new key, idle
     * expiry {@link #IDLE_TIMEOUT} and absolute expiry {@link #ABSOLUTE_TTL} later, version 0.
     */
    public static SessionBuilder session(Instant createdAt) {
        return new SessionBuilder(createdAt);
    }

    /** A delta that changes nothing until told to. */
    public static DeltaBuilder delta() {
        return new DeltaBuilder();
    }

    /**
     * Parses JSON text into a tree.
     *
     * @throws IllegalArgumentException if {@code text} is not JSON
     */
    public static JsonNode json(String text) {
        return SessionJson.parse(text);
    }

    /** Builds a {@link SessionData} with the defaults of {@link Fixtures#session(Instant)}. */
    public static final class SessionBuilder {
        private final SessionData.Builder data;
        private final Map<String, JsonNode> attributes = new HashMap<>();
        private Instant lastAccessedAt;

        private SessionBuilder(Instant createdAt) {
            this.lastAccessedAt = createdAt;
            this.data = SessionData.builder()
                    .key(newKey())
                    .createdAt(createdAt)
                    .lastAccessedAt(createdAt)
                    .idleExpiresAt(createdAt.plus(IDLE_TIMEOUT))
                    .absoluteExpiresAt(createdAt.plus(ABSOLUTE_TTL))
                    .idleTimeout(IDLE_TIMEOUT);
        }

        /** Files the session under {@code value} instead of a new key. */
        public SessionBuilder key(LookupKey value) {
            data.key(value);
            return this;
        }

        /** Adds an attribute given as JSON text. */
        public SessionBuilder attribute(String name, String jsonText) {
            return attribute(name, json(jsonText));
        }

        /** Adds an attribute. */
        public SessionBuilder attribute(String name, JsonNode value) {
            attributes.put(name, value);
            return this;
        }

        /** The signed-in user; {@code null} for anonymous. */
        public SessionBuilder principal(String value) {
            data.principal(value);
            return this;
        }

        /** The last access; {@link #idleTimeout(Duration)} counts from it. */
        public SessionBuilder lastAccessedAt(Instant value) {
            this.lastAccessedAt = value;
            data.lastAccessedAt(value);
            return this;
        }

        /** Sets the idle timeout and an idle expiry one timeout after the last access. */
        public SessionBuilder idleTimeout(Duration value) {
            data.idleTimeout(value).idleExpiresAt(lastAccessedAt.plus(value));
            return this;
        }

        /** The idle expiry, leaving the idle timeout as it is. */
        public SessionBuilder idleExpiresAt(Instant value) {
            data.idleExpiresAt(value);
            return this;
        }

        /** The absolute expiry. */
        public SessionBuilder absoluteExpiresAt(Instant value) {
            data.absoluteExpiresAt(value);
            return this;
        }

        /** The client address and user agent; either may be {@code null}. */
        public SessionBuilder client(String ip, String userAgent) {
            data.ip(ip).userAgent(userAgent);
            return this;
        }

        /** When the session was given its key; default its creation. */
        public SessionBuilder keyIssuedAt(Instant value) {
            data.keyIssuedAt(value);
            return this;
        }

        /** The version the store is handed. */
        public SessionBuilder version(long value) {
            data.version(value);
            return this;
        }

        /** The snapshot; see {@link SessionData.Builder#build()} for what it checks. */
        public SessionData build() {
            return data.attributes(attributes).build();
        }
    }

    /** Builds a {@link SessionDelta}, with values given as JSON text where that is handy. */
    public static final class DeltaBuilder {
        private final SessionDelta.Builder delta = SessionDelta.builder();

        private DeltaBuilder() {
        }

        /** Sets an attribute given as JSON text. */
        public DeltaBuilder set(String name, String jsonText) {
            return set(name, json(jsonText));
        }

        /** Sets an attribute. */
        public DeltaBuilder set(String name, JsonNode value) {
            delta.set(name, value);
            return this;
        }

        /** Removes an attribute. */
        public DeltaBuilder remove(String name) {
            delta.remove(name);
            return this;
        }

        /** Adds to a counter. */
        public DeltaBuilder increment(String name, long by) {
            delta.increment(name, by);
            return this;
        }

        /** Writes the principal; {@code null} signs out. */
        public DeltaBuilder principal(String value) {
            delta.principal(value);
            return this;
        }

        /** A new absolute expiry. */
        public DeltaBuilder absoluteExpiresAt(Instant value) {
            delta.absoluteExpiresAt(value);
            return this;
        }

        /** A new idle timeout. */
        public DeltaBuilder idleTimeout(Duration value) {
            delta.idleTimeout(value);
            return this;
        }

        /** A touch to {@code lastAccessedAt} with idle expiry {@code idleExpiresAt}. */
        public DeltaBuilder touch(Instant lastAccessedAt, Instant idleExpiresAt) {
            delta.touch(new Touch(lastAccessedAt, idleExpiresAt));
            return this;
        }

        /** The delta; see {@link SessionDelta.Builder#build()} for what it checks. */
        public SessionDelta build() {
            return delta.build();
        }
    }
}
