package dev.sessionkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The statement timeout as {@link StatementOptions} applies it through the {@link StatementWatchdog},
 * on a real server through HikariCP: a statement past its deadline is cancelled and its connection
 * serves the next statement; a statement that finished in time cancels nothing later on its
 * connection; closed statements do not pile up. (Through pgbouncer: {@code PgbouncerTest}.)
 */
@Timeout(60)
final class StatementWatchdogTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private static PostgresFixture.Database database;
    private static HikariDataSource pool;

    @BeforeAll
    static void start() {
        database = PostgresFixture.freshDatabase();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.jdbcUrl());
        config.setMaximumPoolSize(1); // every statement on the one connection
        pool = new HikariDataSource(config);
    }

    @AfterAll
    static void stop() {
        pool.close();
        database.close();
    }

    @Test
    void aStatementPastTheTimeoutIsCancelledAndTheConnectionServesTheNext() throws SQLException {
        StatementOptions options = new StatementOptions(TIMEOUT, true);
        for (int run = 0; run < 3; run++) { // before and after pgjdbc prepares it on the server
            long start = System.nanoTime();
            assertThatThrownBy(() -> {
                try (Connection c = pool.getConnection();
                        PreparedStatement ps = options.prepare(c, "select pg_sleep(5)")) {
                    ps.executeQuery();
                }
            }).isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));
            long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(took).as("ms until the timeout fired").isGreaterThanOrEqualTo(TIMEOUT.toMillis() - 5)
                    .isLessThan(TIMEOUT.toMillis() + 1_000);
            try (Connection c = pool.getConnection();
                    PreparedStatement ps = options.prepare(c, "select 41 + 1");
                    ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        }
    }

    @Test
    void aStatementThatFinishedInTimeCancelsNothingAfterItOnItsConnection() throws Exception {
        StatementOptions shortTimeout = new StatementOptions(Duration.ofMillis(50), true);
        for (int i = 0; i < 20; i++) {
            try (Connection c = pool.getConnection()) {
                try (PreparedStatement quick = shortTimeout.prepare(c, "select 1");
                        ResultSet rs = quick.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                }
                // on the same connection, unwatched, well past the first statement's deadline
                try (PreparedStatement slow = c.prepareStatement("select pg_sleep(0.15), 7");
                        ResultSet rs = slow.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(2)).isEqualTo(7);
                }
            }
        }
    }

    @Test
    void closedStatementsAreDroppedAtTheNextLook() throws Exception {
        StatementOptions options = new StatementOptions(Duration.ofSeconds(30), true);
        try (Connection c = pool.getConnection()) {
            for (int i = 0; i < 1_000; i++) {
                try (PreparedStatement ps = options.prepare(c, "select 1");
                        ResultSet rs = ps.executeQuery()) {
                    rs.next();
                }
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (StatementWatchdog.SHARED.watched() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(StatementWatchdog.TICK_MILLIS);
        }
        assertThat(StatementWatchdog.SHARED.watched()).isZero();
    }

    @Test
    void noTimeoutWatchesNothing() throws SQLException {
        StatementOptions options = new StatementOptions(Duration.ZERO, true);
        try (Connection c = pool.getConnection();
                PreparedStatement ps = options.prepare(c, "select pg_sleep(0.5), 1");
                ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
        }
    }
}
