package dev.sessionkit.memory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionJson;
import dev.sessionkit.Touch;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What the memory store keeps per session: the snapshot without its attributes, the attributes as
 * the JSON text a database would hold, and that text parsed once. Every write goes through the
 * text, so a value that cannot round-trip fails here as it would in PostgreSQL, and what a load
 * returns is the parsed form (number types included) that PostgreSQL would return; parsing once
 * per write instead of once per load keeps read-only requests free of JSON work. The parsed trees
 * are shared by every snapshot handed out and, like all {@link SessionData} trees, are read-only.
 *
 * @param header     the snapshot with an empty attribute map
 * @param attributes the attributes, written by {@link SessionJson#writeAttributes(Map)}
 * @param parsed     {@code attributes} parsed, or null when the text is not a JSON object
 * @param previous   the key the session had before its last renewal and until when it answers, or null
 */
record StoredSession(SessionData header, String attributes, Map<String, JsonNode> parsed, Previous previous) {

    /** A renewed session's previous key, accepted until {@code until} (exclusive). */
    record Previous(LookupKey key, Instant until) {
        boolean accepts(LookupKey candidate, Instant now) {
            return key.equals(candidate) && now.isBefore(until);
        }
    }

    StoredSession {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(attributes, "attributes");
        if (!header.attributes().isEmpty()) {
            throw new IllegalArgumentException("the header of a stored session carries no attributes");
        }
    }

    StoredSession(SessionData header, String attributes, Map<String, JsonNode> parsed) {
        this(header, attributes, parsed, null);
    }

    /** A stored session whose text is parsed now. */
    StoredSession(SessionData header, String attributes) {
        this(header, attributes, parseOrNull(attributes));
    }

    /**
     * Serializes a snapshot whose attributes were checked with
     * {@link SessionJson#validate(SessionData)} or came from a checked delta; what is stored
     * already was checked when it was written, so writes check only what they add.
     */
    static StoredSession of(SessionData data) {
        return new StoredSession(data.withAttributes(Map.of()), SessionJson.writeAttributes(data.attributes()));
    }

    /** The same attributes under a touched header; nothing is parsed again. */
    StoredSession touched(Touch touch) {
        return new StoredSession(header.touched(touch), attributes, parsed, previous);
    }

    /** {@code data} stored in place of this session, keeping its previous key. */
    StoredSession rewritten(SessionData data) {
        StoredSession next = of(data);
        return new StoredSession(next.header, next.attributes, next.parsed, previous);
    }

    /** This session with {@code value} as its previous key. */
    StoredSession withPrevious(Previous value) {
        return new StoredSession(header, attributes, parsed, value);
    }

    /**
     * The full snapshot.
     *
     * @throws IllegalArgumentException when the stored text is not a JSON object
     */
    SessionData toData() {
        if (parsed == null) {
            throw new IllegalArgumentException("the stored attributes are not a JSON object");
        }
        return header.withAttributes(parsed);
    }

    String principal() {
        return header.principal();
    }

    Instant expiresAt() {
        return header.expiresAt();
    }

    boolean isLive(Instant now) {
        return header.isLive(now);
    }

    private static Map<String, JsonNode> parseOrNull(String attributes) {
        try {
            return Map.copyOf(SessionJson.readAttributes(attributes));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
