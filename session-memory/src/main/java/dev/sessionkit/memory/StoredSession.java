package dev.sessionkit.memory;

import dev.sessionkit.SessionData;
import dev.sessionkit.SessionJson;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What the memory store keeps per session: the snapshot without its attributes, and the
 * attributes as the JSON text a database would hold. Keeping text rather than trees means every
 * load parses, exactly as it would from PostgreSQL, so a value that cannot round-trip fails here
 * too, and callers can never mutate what is stored.
 *
 * @param header     the snapshot with an empty attribute map
 * @param attributes the attributes, written by {@link SessionJson#writeAttributes(Map)}
 */
record StoredSession(SessionData header, String attributes) {

    StoredSession {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(attributes, "attributes");
        if (!header.attributes().isEmpty()) {
            throw new IllegalArgumentException("the header of a stored session carries no attributes");
        }
    }

    /**
     * Serializes a snapshot.
     *
     * @throws dev.sessionkit.AttributeSerializationException when an attribute cannot be stored
     */
    static StoredSession of(SessionData data) {
        data.attributes().forEach(SessionJson::validate);
        return new StoredSession(data.withAttributes(Map.of()), SessionJson.writeAttributes(data.attributes()));
    }

    /**
     * Parses the attributes back into a full snapshot.
     *
     * @throws IllegalArgumentException when the stored text is not a JSON object
     */
    SessionData toData() {
        return header.withAttributes(SessionJson.readAttributes(attributes));
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
}
