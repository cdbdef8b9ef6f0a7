package dev.sessionkit.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionJson;
import dev.sessionkit.SessionStatus;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.postgresql.PGResultSetMetaData;
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
    /** 2000-01-01T00:00:00Z, where PostgreSQL's binary timestamps count from. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;
    private static final long MICROS_PER_SECOND = 1_000_000L;
    /** {@code created_at}'s place in {@link SessionTable#COLUMNS}, never null. */
    private static final int CREATED_AT_COLUMN = 4;
    /** What {@link PGResultSetMetaData#getFormat(int)} answers for a column in binary (0 is text). */
    private static final int BINARY_FORMAT = 1;
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
        boolean binary = binaryTimes(rs);
        try {
            Map<String, JsonNode> attributes = SessionJson.readAttributes(rs.getString(2));
            return Optional.of(SessionData.builder()
                    .key(key)
                    .attributes(attributes)
                    .principal(rs.getString(3))
                    .createdAt(instant(rs, 4, binary))
                    .lastAccessedAt(instant(rs, 5, binary))
                    .idleExpiresAt(instant(rs, 6, binary))
                    .absoluteExpiresAt(instant(rs, 7, binary))
                    .idleTimeout(Duration.ofMillis(rs.getLong(8)))
                    .ip(rs.getString(9))
                    .userAgent(rs.getString(10))
                    .status(SessionStatus.fromCode(rs.getString(11)))
                    .version(rs.getLong(12))
                    .keyIssuedAt(instant(rs, 13, binary))
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

    /**
     * Whether the row's times came in PostgreSQL's binary form: pgjdbc asks for it once a statement
     * is prepared on the server (its fifth execution, by default), not before, nor with prepared
     * statements off (a transaction-mode pooler). All the row's times share one format.
     */
    static boolean binaryTimes(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        return md.isWrapperFor(PGResultSetMetaData.class)
                && md.unwrap(PGResultSetMetaData.class).getFormat(CREATED_AT_COLUMN) == BINARY_FORMAT;
    }

    /**
     * A {@code timestamptz} column as an instant. In binary form it is a big-endian count of
     * microseconds since 2000-01-01 UTC, read here directly: through pgjdbc's {@code OffsetDateTime}
     * (a {@code TimestampUtils} with calendars per result set, then a {@code LocalDateTime}, an
     * offset and its zone rules per value) a row's five times cost 0.8–1.1 µs and 1.7 KB, read here
     * 0.25 µs and nothing (docs/benchmarks.md, eighth round). The infinities, and text, go through
     * pgjdbc.
     */
    private static Instant instant(ResultSet rs, int column, boolean binary) throws SQLException {
        if (binary) {
            byte[] bytes = rs.getBytes(column);
            if (bytes == null) {
                return null;
            }
            if (bytes.length == Long.BYTES) {
                long micros = 0;
                for (byte b : bytes) {
                    micros = micros << 8 | (b & 0xff);
                }
                if (micros != Long.MAX_VALUE && micros != Long.MIN_VALUE) {
                    return Instant.ofEpochSecond(POSTGRES_EPOCH_SECONDS + Math.floorDiv(micros, MICROS_PER_SECOND),
                            Math.floorMod(micros, MICROS_PER_SECOND) * 1_000L);
                }
            }
        }
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
