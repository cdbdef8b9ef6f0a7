package dev.sessionkit.postgres;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The text of one announcement on a table's channel, as the store's statements build it in SQL:
 * {@code 1|<origin>|<event>|<key>} for an ended session (event: the status it ended with) and
 * {@code 1|<origin>|moved|<old key>|<new key>} for a session that moved to a new id. Keys are the
 * lookup keys in hex, never raw ids; origin is the announcing store's random instance id. About
 * 180 bytes, far below PostgreSQL's 8,000.
 */
record EventPayload(String origin, String event, LookupKey key, LookupKey newKey) {

    /** The payload format; a listener ignores versions it does not know. */
    static final int VERSION = 1;
    /** The event of a session that moved to a new id. */
    static final String MOVED = "moved";
    private static final int MAX_CHANNEL = 63;

    /** The channel a table's events go on: {@code sessionkit_<schema>_<table>}, hashed when that is too long. */
    static String channel(String schema, String tableName) {
        String plain = "sessionkit_" + (schema == null ? "" : schema + "_") + tableName;
        if (plain.length() <= MAX_CHANNEL) {
            return plain;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((schema + "." + tableName).getBytes(StandardCharsets.UTF_8));
            return "sessionkit_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Reads a payload; empty for anything this version does not know (a newer writer, a stray NOTIFY). */
    static Optional<EventPayload> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String[] parts = text.split("\\|", -1);
        if (parts.length < 4 || !parts[0].equals(Integer.toString(VERSION)) || parts[1].isEmpty()) {
            return Optional.empty();
        }
        if (parts[2].equals(MOVED)) {
            if (parts.length != 5 || !LookupKey.isWellFormed(parts[3]) || !LookupKey.isWellFormed(parts[4])) {
                return Optional.empty();
            }
            return Optional.of(new EventPayload(parts[1], MOVED, new LookupKey(parts[3]), new LookupKey(parts[4])));
        }
        if (parts.length != 4 || !LookupKey.isWellFormed(parts[3]) || status(parts[2]).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EventPayload(parts[1], parts[2], new LookupKey(parts[3]), null));
    }

    /** The status an ending event carries; empty for {@code moved}. */
    Optional<SessionStatus> reason() {
        return status(event);
    }

    private static Optional<SessionStatus> status(String code) {
        try {
            SessionStatus status = SessionStatus.fromCode(code);
            return status == SessionStatus.ACTIVE ? Optional.empty() : Optional.of(status);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
