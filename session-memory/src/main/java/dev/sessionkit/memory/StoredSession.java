package dev.sessionkit.memory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionJson;
import dev.sessionkit.Touch;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the memory store keeps per session: the snapshot without its attributes, and the attributes
 * as they come back from the JSON text a database would hold. Every value written goes through
 * that text, so a value that cannot round-trip fails here as it would in PostgreSQL, and what a
 * load returns is the parsed form (number types included) that PostgreSQL would return. A create
 * writes and parses the whole map; a delta writes and parses only the values it sets (the others
 * were parsed when they were written, a JSON object's values are written and read independently
 * of each other, and an increment's result is already the number node a parser gives), so neither a read-only request nor a one-counter
 * update pays for the whole session's JSON. The parsed trees are shared by every snapshot handed
 * out and, like all {@link SessionData} trees, are read-only.
 *
 * @param header     the snapshot with an empty attribute map
 * @param parsed     the attributes, or null when they could not be read (a corrupt entry)
 * @param previous   the key the session had before its last renewal and until when it answers, or null
 */
record StoredSession(SessionData header, Map<String, JsonNode> parsed, Previous previous) {

    /** A renewed session's previous key, accepted until {@code until} (exclusive). */
    record Previous(LookupKey key, Instant until) {
        boolean accepts(LookupKey candidate, Instant now) {
            return key.equals(candidate) && now.isBefore(until);
        }
    }

    StoredSession {
        Objects.requireNonNull(header, "header");
        if (!header.attributes().isEmpty()) {
            throw new IllegalArgumentException("the header of a stored session carries no attributes");
        }
    }

    /** A stored session whose attribute text is parsed now; unreadable text makes a corrupt entry. */
    static StoredSession ofText(SessionData header, String attributes) {
        return new StoredSession(header, parseOrNull(attributes), null);
    }

    /**
     * Serializes a snapshot whose attributes were checked with
     * {@link SessionJson#validate(SessionData)} or came from a checked delta; what is stored
     * already was checked when it was written, so writes check only what they add.
     */
    static StoredSession of(SessionData data) {
        return ofText(data.withAttributes(Map.of()), SessionJson.writeAttributes(data.attributes()));
    }

    /** The same attributes under a touched header; nothing is parsed again. */
    StoredSession touched(Touch touch) {
        return new StoredSession(header.touched(touch), parsed, previous);
    }

    /**
     * {@code after}, this session with {@code delta} applied ({@link SessionData#apply}), stored in
     * its place, keeping the previous key: the values the delta set go through the text, the others
     * are kept as parsed.
     */
    StoredSession applied(SessionData after, SessionDelta delta) {
        SessionData nextHeader = after.withAttributes(Map.of());
        if (!delta.changesAttributes()) {
            return new StoredSession(nextHeader, parsed, previous);
        }
        Map<String, JsonNode> merged = after.attributes();
        if (delta.set().isEmpty()) {
            return new StoredSession(nextHeader, merged, previous); // removals and increments: nothing to parse
        }
        Map<String, JsonNode> next = new HashMap<>(merged);
        delta.set().keySet().forEach(name -> next.put(name, throughText(merged.get(name))));
        return new StoredSession(nextHeader, Map.copyOf(next), previous);
    }

    /** This session with {@code value} as its previous key. */
    StoredSession withPrevious(Previous value) {
        return new StoredSession(header, parsed, value);
    }

    /**
     * The full snapshot.
     *
     * @throws IllegalArgumentException when the stored text was not a JSON object
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

    /** One value written as JSON text and read back, as a database column would give it. */
    private static JsonNode throughText(JsonNode value) {
        return SessionJson.parse(SessionJson.write(value));
    }

    private static Map<String, JsonNode> parseOrNull(String attributes) {
        try {
            return Map.copyOf(SessionJson.readAttributes(attributes));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
