package dev.sessionkit.postgres;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The text of one announcement on a table's channel, as {@link EventAnnouncer} (and the sweep's
 * statement, in SQL) builds it:
 * {@code 1|<origin>|<event>|<key>[,<key>…]} for ended sessions (event: the status they ended with;
 * a sweep lists up to {@value #KEYS_PER_NOTICE} keys in one notification) and
 * {@code 1|<origin>|moved|<old key>|<new key>} for a session that moved to a new id. Keys are the
 * lookup keys in hex, never raw ids; origin is the announcing store's random instance id. At most
 * about 6,600 bytes (a full sweep notice), below PostgreSQL's 8,000.
 */
record EventPayload(String origin, String event, List<LookupKey> keys, LookupKey newKey) {

    /** How many ended keys one notification carries at most. */
    static final int KEYS_PER_NOTICE = 100;

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

    /** The text announcing that {@code keys} (at most {@link #KEYS_PER_NOTICE}) ended with the status {@code code}. */
    static String ended(String origin, String code, List<LookupKey> keys) {
        StringBuilder text = new StringBuilder(16 + origin.length() + keys.size() * 65);
        text.append(VERSION).append('|').append(origin).append('|').append(code).append('|');
        for (int i = 0; i < keys.size(); i++) {
            text.append(i == 0 ? "" : ",").append(keys.get(i).value());
        }
        return text.toString();
    }

    /** The text announcing that the session of {@code from} moved to {@code to}. */
    static String moved(String origin, LookupKey from, LookupKey to) {
        return VERSION + "|" + origin + "|" + MOVED + "|" + from.value() + "|" + to.value();
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
            return Optional.of(new EventPayload(parts[1], MOVED, List.of(new LookupKey(parts[3])),
                    new LookupKey(parts[4])));
        }
        if (parts.length != 4 || status(parts[2]).isEmpty()) {
            return Optional.empty();
        }
        String[] hex = parts[3].split(",", -1);
        List<LookupKey> keys = new ArrayList<>(hex.length);
        for (String key : hex) {
            if (!LookupKey.isWellFormed(key)) {
                return Optional.empty();
            }
            keys.add(new LookupKey(key));
        }
        return Optional.of(new EventPayload(parts[1], parts[2], List.copyOf(keys), null));
    }

    /** The key of a one-key event (every {@code moved}); the first key otherwise. */
    LookupKey key() {
        return keys.get(0);
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
