package dev.sessionkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.SessionData;
import dev.sessionkit.testkit.Fixtures;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rows read the same whichever form pgjdbc receives their times in: text for a statement's first
 * executions on a connection, binary once it is prepared on the server.
 */
final class SessionRowsTest {

    private static PostgresFixture.Database database;
    private static PostgresSessionStore store;

    @BeforeAll
    static void start() {
        database = PostgresFixture.freshDatabase();
        store = PostgresSessionStore.builder().settings(PostgresStoreSettings.defaults())
                .dataSource(database.dataSource()).build();
    }

    @AfterAll
    static void stop() {
        store.close();
        database.close();
    }

    @Test
    void timesAreTheSameInTextAndInBinaryOnEitherSideOfPostgresEpoch() throws SQLException {
        Instant end = Instant.parse("9999-12-31T23:59:59.999999Z");
        List<SessionData> sessions = new ArrayList<>();
        for (String at : List.of("1969-12-31T23:59:59.999999Z", "1970-01-01T00:00:00.000001Z",
                "1999-12-31T23:59:59.999999Z", "2000-01-01T00:00:00Z", "2000-01-01T00:00:00.000001Z",
                "2030-01-01T00:05:00.123456Z")) {
            Instant t = Instant.parse(at);
            SessionData session = Fixtures.session(t).attribute("at", "\"" + at + "\"")
                    .lastAccessedAt(t.plusNanos(1_000)).idleExpiresAt(end.minusSeconds(1)).absoluteExpiresAt(end)
                    .keyIssuedAt(t.plusSeconds(1)).build();
            assertThat(store.create(session)).isTrue();
            sessions.add(session);
        }
        SessionTable table = new SessionTable(null, "sessions");
        SessionRows rows = new SessionRows(table.qualifiedName());
        List<Boolean> formats = new ArrayList<>();

        // a new connection, the load statement again and again: pgjdbc switches to binary on the fifth
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl())) {
            for (int round = 0; round < 4; round++) {
                for (SessionData session : sessions) {
                    try (PreparedStatement ps = connection.prepareStatement(table.load.text())) {
                        ps.setBytes(table.load.at("key"), SessionRows.keyBytes(session.key()));
                        PostgresSessionStore.setInstant(ps, table.load.at("now"), session.createdAt());
                        try (ResultSet rs = ps.executeQuery()) {
                            assertThat(rs.next()).isTrue();
                            formats.add(SessionRows.binaryTimes(rs));
                            assertThat(rows.read(rs)).as("round %d", round).isEqualTo(Optional.of(session));
                        }
                    }
                }
            }
        }
        assertThat(formats).as("read in text, then in binary").contains(false, true);
        assertThat(formats.get(0)).isFalse();
        assertThat(formats.get(formats.size() - 1)).isTrue();
    }

    @Test
    void aRowWithoutAKeyIssueTimeReadsInBinaryToo() throws SQLException {
        Instant t = Instant.parse("2030-01-01T00:00:00Z");
        SessionData session = Fixtures.session(t).build();
        store.create(session);
        database.execute("update sessions set key_issued_at = null where key = '\\x" + session.key().value() + "'::bytea");
        SessionTable table = new SessionTable(null, "sessions");
        SessionRows rows = new SessionRows(table.qualifiedName());

        try (Connection connection = DriverManager.getConnection(database.jdbcUrl())) {
            for (int i = 0; i < 8; i++) {
                try (PreparedStatement ps = connection.prepareStatement(table.load.text())) {
                    ps.setBytes(table.load.at("key"), SessionRows.keyBytes(session.key()));
                    PostgresSessionStore.setInstant(ps, table.load.at("now"), t);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        Optional<SessionData> read = rows.read(rs);
                        assertThat(read).as("execution %d", i).isPresent();
                        assertThat(read.get().keyIssuedAt()).as("execution %d", i).isEqualTo(session.createdAt());
                    }
                }
            }
        }
    }
}
