package dev.sessionkit.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;
import org.postgresql.jdbc.PgStatement;

/**
 * How the store prepares each statement, on its own pool and on an application's
 * {@code DataSource} alike: the statement timeout as the driver's query timeout, and, when named
 * server-side prepared statements are off, {@code prepareThreshold=0} on the statement.
 *
 * <p>The timeout is a cancel request ({@link java.sql.Statement#cancel()}, pgjdbc's own mechanism
 * for its query timeout) sent by the {@link StatementWatchdog} when a statement is still open at
 * its deadline, so nothing more goes over the wire per statement and it survives a
 * transaction-mode pooler, which refuses the {@code options} start-up parameter and would leak a
 * session-level {@code SET} to other clients. A {@code SET LOCAL statement_timeout} in a
 * transaction of its own would cost two more round trips per statement (measured: about 110 µs a
 * statement through pgbouncer); pgjdbc's {@code setQueryTimeoutMs} timer about 5 µs of CPU per
 * statement, the watchdog a queue append. A deadline runs from {@link #prepare} to the
 * statement's close, so a statement prepared here is executed once (prepare again for the next
 * execution: pgjdbc keeps the server-side statement per connection either way). With a driver
 * other than pgjdbc behind a wrapper that cannot unwrap, the timeout is
 * {@link java.sql.Statement#setQueryTimeout(int)} in whole seconds, rounded up.
 */
final class StatementOptions {

    private final long timeoutMillis;
    private final boolean serverPrepare;

    /**
     * @param timeout the statement timeout, {@link Duration#ZERO} for none
     * @param serverPrepare false to keep pgjdbc from ever naming a server-side prepared statement
     */
    StatementOptions(Duration timeout, boolean serverPrepare) {
        this.timeoutMillis = timeout.toMillis();
        this.serverPrepare = serverPrepare;
    }

    /** The store's default: its settings' timeout, prepared statements as the settings say. */
    static StatementOptions of(PostgresStoreSettings settings) {
        return new StatementOptions(settings.statementTimeout(), settings.preparedStatements());
    }

    /** {@code connection.prepareStatement(sql)} with the timeout and prepare threshold applied. */
    PreparedStatement prepare(Connection connection, String sql) throws SQLException {
        PreparedStatement ps = connection.prepareStatement(sql);
        try {
            apply(ps);
        } catch (SQLException | RuntimeException e) {
            try {
                ps.close();
            } catch (SQLException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
        return ps;
    }

    /**
     * Makes pgjdbc's own {@code COMMIT} and {@code ROLLBACK} unnamed on {@code connection} until
     * {@link Restore#close()}: pgjdbc names those after the connection's {@code prepareThreshold},
     * not the statement's, so an application's {@code DataSource} without {@code prepareThreshold=0}
     * would otherwise send a named statement at every commit. The connection's own threshold is
     * put back afterwards. Does nothing when prepared statements are allowed.
     */
    Restore unnamedTransactionCommands(Connection connection) throws SQLException {
        if (serverPrepare || !connection.isWrapperFor(PGConnection.class)) {
            return () -> { };
        }
        PGConnection pg = connection.unwrap(PGConnection.class);
        int previous = pg.getPrepareThreshold();
        if (previous == 0) {
            return () -> { };
        }
        pg.setPrepareThreshold(0);
        return () -> pg.setPrepareThreshold(previous);
    }

    /** Puts a connection setting back. */
    interface Restore extends AutoCloseable {
        @Override
        void close();
    }

    /** False when pgjdbc must not name server-side prepared statements. */
    boolean serverPrepare() {
        return serverPrepare;
    }

    private void apply(PreparedStatement ps) throws SQLException {
        if (timeoutMillis == 0 && serverPrepare) {
            return;
        }
        if (ps.isWrapperFor(PgStatement.class)) {
            if (timeoutMillis > 0) {
                StatementWatchdog.SHARED.watch(ps, TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
            }
            if (!serverPrepare) {
                ps.unwrap(PgStatement.class).setPrepareThreshold(0);
            }
            return;
        }
        if (timeoutMillis > 0) {
            ps.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, (timeoutMillis + 999) / 1000));
        }
        if (!serverPrepare && ps.isWrapperFor(PGStatement.class)) {
            ps.unwrap(PGStatement.class).setPrepareThreshold(0);
        }
    }
}
