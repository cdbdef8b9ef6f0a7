package dev.sessionkit.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionJson;
import dev.sessionkit.SessionStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads rows in the order of {@link SessionTable#COLUMNS} into snapshots. A row that cannot be
 * read (attributes that are not a JSON object, an unknown status, impossible times) is treated as
 * absent and logged once at WARN with the lookup key's prefix only.
 */
final class SessionRows {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRows.class);
    private static final HexFormat HEX = HexFormat.of();
    /** Enough to stay quiet about a burst of bad rows without growing without bound. */
    private static final int MAX_REMEMBERED = 10_000;

    private final String table;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    SessionRows(String table) {
        this.table = table;
    }

    static byte[] keyBytes(LookupKey key) {
        return HEX.parseHex(key.value());
    }

    static LookupKey key(byte[] bytes) {
        return new LookupKey(HEX.formatHex(bytes));
    }

    /** Reads the current row; empty, after a warning, when it is unreadable. */
    Optional<SessionData> read(ResultSet rs) throws SQLException {
        LookupKey key = key(rs.getBytes(1));
        try {
            Map<String, JsonNode> attributes = SessionJson.readAttributes(rs.getString(2));
            return Optional.of(SessionData.builder()
                    .key(key)
                    .attributes(attributes)
                    .principal(rs.getString(3))
                    .createdAt(instant(rs, 4))
                    .lastAccessedAt(instant(rs, 5))
                    .idleExpiresAt(instant(rs, 6))
                    .absoluteExpiresAt(instant(rs, 7))
                    .idleTimeout(Duration.ofMillis(rs.getLong(8)))
                    .ip(rs.getString(9))
                    .userAgent(rs.getString(10))
                    .status(SessionStatus.fromCode(rs.getString(11)))
                    .version(rs.getLong(12))
                    .keyIssuedAt(instant(rs, 13))
                    .build());
        } catch (IllegalArgumentException | NullPointerException e) {
            warnOnce(key, e);
            return Optional.empty();
        }
    }

    private void warnOnce(LookupKey key, RuntimeException e) {
        if (warned.size() >= MAX_REMEMBERED) {
            warned.clear();
        }
        if (warned.add(key.prefix())) {
            // the cause's message may quote stored text, so only its type is logged
            LOG.warn("[{}] session {}… has unreadable stored data ({}); treating it as no session",
                    table, key.prefix(), e.getClass().getSimpleName());
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
