package dev.sessionkit.postgres;

import dev.sessionkit.StoreUnavailableException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;

/**
 * Turns JDBC failures into the SPI's exceptions. Messages name the operation, the kind of failure
 * and the SQLState, never the driver's message: a server message can quote bound values.
 */
final class SqlFailures {

    /** {@code unique_violation}: a key is taken. */
    static final String UNIQUE_VIOLATION = "23505";

    private SqlFailures() {
    }

    static StoreUnavailableException unavailable(String operation, SQLException e) {
        return new StoreUnavailableException(operation, operation + " failed: " + describe(e)
                + " (SQLState " + e.getSQLState() + ")", e);
    }

    /** True when the database could not be reached or stopped answering, as opposed to refusing a statement. */
    static boolean isConnectionFailure(SQLException e) {
        if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
                || e instanceof SQLRecoverableException || e instanceof SQLTimeoutException) {
            return true;
        }
        String state = e.getSQLState();
        if (state == null) {
            return false;
        }
        return state.startsWith("08")              // connection exception
                || state.startsWith("53")          // insufficient resources: too many connections, disk full
                || state.equals("57P01")           // admin shutdown
                || state.equals("57P02")           // crash shutdown
                || state.equals("57P03")           // cannot connect now (starting up)
                || state.equals("57014");          // query cancelled: statement timeout
    }

    /** {@code deadlock_detected}: PostgreSQL ended this statement to break a lock cycle. */
    static boolean isDeadlock(SQLException e) {
        return "40P01".equals(e.getSQLState());
    }

    static boolean isUniqueViolation(SQLException e) {
        return UNIQUE_VIOLATION.equals(e.getSQLState());
    }

    private static String describe(SQLException e) {
        if (e instanceof SQLTransientConnectionException) {
            return "no database connection within the connect timeout";
        }
        if ("57014".equals(e.getSQLState())) {
            return "the statement timed out";
        }
        if (isConnectionFailure(e)) {
            return "the database cannot be reached";
        }
        return "the database refused the statement";
    }
}
