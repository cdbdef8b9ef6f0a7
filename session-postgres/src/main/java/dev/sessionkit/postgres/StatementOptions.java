package dev.sessionkit.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;
import org.postgresql.jdbc.PgStatement;

/**
 * How the store prepares each statement, on its own pool and on an application's
 * {@code DataSource} alike: the statement timeout as the driver's query timeout, and, when named
 * server-side prepared statements are off, {@code prepareThreshold=0} on the statement.
 *
 * <p>The timeout is pgjdbc's ({@link PgStatement#setQueryTimeoutMs(long)}): a timer that sends a
 * cancel request when it fires, so nothing more goes over the wire per statement and it survives a
 * transaction-mode pooler, which refuses the {@code options} start-up parameter and would leak a
 * session-level {@code SET} to other clients. A {@code SET LOCAL statement_timeout} in a
 * transaction of its own would cost two more round trips per statement (measured: about 110 µs a
 * statement through pgbouncer, against about 7 µs for the timer). With a driver other than pgjdbc
 * behind a wrapper that cannot unwrap, the timeout is {@link java.sql.Statement#setQueryTimeout(int)}
 * in whole seconds, rounded up.
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
            PgStatement statement = ps.unwrap(PgStatement.class);
            if (timeoutMillis > 0) {
                statement.setQueryTimeoutMs(timeoutMillis);
            }
            if (!serverPrepare) {
                statement.setPrepareThreshold(0);
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
