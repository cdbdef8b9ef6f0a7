package dev.sessionkit.bench;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The one statement counter every contender's pool is wrapped in, so "statements per operation"
 * means the same for all three.
 *
 * <ul>
 *   <li><b>statements</b>: SQL statements the server runs; every {@code execute…} call is one,
 *       except {@code executeBatch}, which is one per {@code addBatch} before it;</li>
 *   <li><b>round trips</b>: every {@code execute…} call (a batch is one) and every
 *       {@code commit}/{@code rollback} on a connection that is not in auto-commit (pgjdbc sends
 *       the {@code BEGIN} with the first statement, so it costs no round trip of its own);</li>
 *   <li><b>commits</b>: explicit {@code commit()} calls, i.e. transactions a contender opened.</li>
 * </ul>
 * The wrapping costs a reflective call per JDBC call, the same for every contender, but not
 * nothing; so the JMH forks, which only time, use it switched off: connections pass through
 * untouched and nothing is counted.
 */
final class CountingDataSource implements DataSource {

    private final DataSource delegate;
    private final boolean enabled;
    private final LongAdder statements = new LongAdder();
    private final LongAdder roundTrips = new LongAdder();
    private final LongAdder commits = new LongAdder();
    private final LongAdder connections = new LongAdder();

    CountingDataSource(DataSource delegate, boolean enabled) {
        this.delegate = delegate;
        this.enabled = enabled;
    }

    /** A snapshot of the counters. */
    Counts counts() {
        return new Counts(statements.sum(), roundTrips.sum(), commits.sum(), connections.sum());
    }

    /** What went through the data source; subtract two snapshots to count an interval. */
    record Counts(long statements, long roundTrips, long commits, long connections) {

        Counts minus(Counts earlier) {
            return new Counts(statements - earlier.statements, roundTrips - earlier.roundTrips,
                    commits - earlier.commits, connections - earlier.connections);
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (!enabled) {
            return delegate.getConnection();
        }
        connections.increment();
        return wrap(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        if (!enabled) {
            return delegate.getConnection(username, password);
        }
        connections.increment();
        return wrap(delegate.getConnection(username, password));
    }

    private Connection wrap(Connection connection) {
        return (Connection) Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    if ((name.equals("commit") || name.equals("rollback")) && (args == null || args.length == 0)
                            && !connection.getAutoCommit()) {
                        roundTrips.increment();
                        if (name.equals("commit")) {
                            commits.increment();
                        }
                    }
                    Object result = invoke(connection, method, args);
                    if (result instanceof Statement statement) {
                        return wrap(statement, method.getReturnType());
                    }
                    return result;
                });
    }

    private Object wrap(Statement statement, Class<?> type) {
        int[] batched = new int[1]; // a statement belongs to one thread at a time
        return Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("addBatch")) {
                        batched[0]++;
                    } else if (name.equals("clearBatch")) {
                        batched[0] = 0;
                    } else if (name.equals("executeBatch") || name.equals("executeLargeBatch")) {
                        statements.add(batched[0]);
                        batched[0] = 0;
                        roundTrips.increment();
                    } else if (name.startsWith("execute")) {
                        statements.increment();
                        roundTrips.increment();
                    }
                    return invoke(statement, method, args);
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }
}
