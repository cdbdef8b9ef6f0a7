package dev.sessionkit.testkit;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Wraps a {@link DataSource} and counts what goes through it, so a SQL store can prove how many
 * statements each operation costs (sessionkit's own tests and benchmarks use it):
 * <ul>
 *   <li><b>statements</b>: SQL statements the server runs; every {@code execute…} call is one,
 *       except {@code executeBatch}, which is one per {@code addBatch} before it;</li>
 *   <li><b>round trips</b>: with {@link #of(DataSource)}, every {@code execute…} call (a batch is
 *       one) and every {@code commit}/{@code rollback} on a connection that is not in auto-commit;
 *       with {@link #atSocket(DataSource)}, the network round trips those calls really made, as
 *       {@link SocketRoundTrips} counts them at the socket (a driver that describes a statement
 *       before executing it makes two for one statement);</li>
 *   <li><b>commits</b>: explicit {@code commit()} calls;</li>
 *   <li><b>connections</b>: connections taken.</li>
 * </ul>
 * The SQL of the most recent statements is kept for assertion messages ({@link #executed()}).
 * Counting costs a reflective call per JDBC call; {@link #passThrough(DataSource)} makes a wrapper
 * that counts nothing and hands out the delegate's connections untouched, for timing runs.
 * Thread-safe.
 */
public final class CountingDataSource implements DataSource {

    private static final int KEPT_SQL = 100;

    private final DataSource delegate;
    private final boolean enabled;
    private final boolean atSocket;
    private final LongAdder statements = new LongAdder();
    private final LongAdder roundTrips = new LongAdder();
    private final LongAdder commits = new LongAdder();
    private final LongAdder connections = new LongAdder();
    /** The same four counters for each thread: statements, round trips, commits, connections. */
    private final ThreadLocal<long[]> ofThread = ThreadLocal.withInitial(() -> new long[4]);
    private final Deque<String> recent = new ArrayDeque<>();

    private CountingDataSource(DataSource delegate, boolean enabled, boolean atSocket) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.enabled = enabled;
        this.atSocket = atSocket;
    }

    /** A wrapper that counts, round trips as JDBC calls. */
    public static CountingDataSource of(DataSource delegate) {
        return new CountingDataSource(delegate, true, false);
    }

    /**
     * A wrapper that counts, round trips at the socket: the delegate's connections must be made
     * through {@link SocketRoundTrips.Factory} (for pgjdbc, a URL from
     * {@link SocketRoundTrips#pgjdbcUrl(String)}). A statement or commit that made no round trip
     * at all fails with {@link IllegalStateException}, since its connection cannot have been made
     * so. Round trips a pool makes inside {@code getConnection} (validation) do not count.
     */
    public static CountingDataSource atSocket(DataSource delegate) {
        return new CountingDataSource(delegate, true, true);
    }

    /** A wrapper that counts nothing: connections pass through untouched. */
    public static CountingDataSource passThrough(DataSource delegate) {
        return new CountingDataSource(delegate, false, false);
    }

    /** A snapshot of the counters. */
    public Counts counts() {
        return new Counts(statements.sum(), roundTrips.sum(), commits.sum(), connections.sum());
    }

    /**
     * A snapshot of what the calling thread alone did through this wrapper, for counting one
     * thread's operation while a store's own threads (write-behind touches, event announcements)
     * may use the same pool. Not cleared by {@link #reset()}: subtract snapshots.
     */
    public Counts countsOfThisThread() {
        long[] mine = ofThread.get();
        return new Counts(mine[0], mine[1], mine[2], mine[3]);
    }

    /** The SQL of the most recent statements (up to 100), oldest first. */
    public List<String> executed() {
        synchronized (recent) {
            return List.copyOf(new ArrayList<>(recent));
        }
    }

    /** Sets every counter to zero and forgets the recorded SQL. */
    public void reset() {
        statements.reset();
        roundTrips.reset();
        commits.reset();
        connections.reset();
        synchronized (recent) {
            recent.clear();
        }
    }

    /**
     * Counter values; subtract two snapshots to count an interval.
     *
     * @param statements  statements the server ran
     * @param roundTrips  executes (a batch as one) plus commits and rollbacks, or, from
     *                    {@link CountingDataSource#atSocket(DataSource)}, the network round trips they made
     * @param commits     explicit commits
     * @param connections connections taken
     */
    public record Counts(long statements, long roundTrips, long commits, long connections) {

        /** This snapshot less an earlier one. */
        public Counts minus(Counts earlier) {
            return new Counts(statements - earlier.statements, roundTrips - earlier.roundTrips,
                    commits - earlier.commits, connections - earlier.connections);
        }

        /** The sum of two counts. */
        public Counts plus(Counts other) {
            return new Counts(statements + other.statements, roundTrips + other.roundTrips, commits + other.commits,
                    connections + other.connections);
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (!enabled) {
            return delegate.getConnection();
        }
        connections.increment();
        ofThread.get()[3]++;
        return wrap(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        if (!enabled) {
            return delegate.getConnection(username, password);
        }
        connections.increment();
        ofThread.get()[3]++;
        return wrap(delegate.getConnection(username, password));
    }

    private Connection wrap(Connection connection) {
        return (Connection) Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    if ((name.equals("commit") || name.equals("rollback")) && (args == null || args.length == 0)
                            && !connection.getAutoCommit()) {
                        if (name.equals("commit")) {
                            commits.increment();
                            ofThread.get()[2]++;
                        }
                        return counted(connection, method, args);
                    }
                    Object result = invoke(connection, method, args);
                    if (result instanceof Statement statement) {
                        String sql = args != null && args.length > 0 && args[0] instanceof String s ? s : null;
                        return wrap(statement, method.getReturnType(), sql);
                    }
                    return result;
                });
    }

    private Object wrap(Statement statement, Class<?> type, String preparedSql) {
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
                        ofThread.get()[0] += batched[0];
                        batched[0] = 0;
                        record(preparedSql);
                        return counted(statement, method, args);
                    } else if (name.startsWith("execute")) {
                        statements.increment();
                        ofThread.get()[0]++;
                        record(preparedSql != null ? preparedSql
                                : args != null && args.length > 0 ? String.valueOf(args[0]) : null);
                        return counted(statement, method, args);
                    }
                    return invoke(statement, method, args);
                });
    }

    /** Runs a call that talks to the server and counts its round trips. */
    private Object counted(Object target, Method method, Object[] args) throws Throwable {
        if (!atSocket) {
            roundTrips.increment();
            ofThread.get()[1]++;
            return invoke(target, method, args);
        }
        long before = SocketRoundTrips.ofThisThread();
        Object result;
        try {
            result = invoke(target, method, args);
        } finally {
            long made = SocketRoundTrips.ofThisThread() - before;
            roundTrips.add(made);
            ofThread.get()[1] += made;
        }
        // a commit or rollback outside a transaction may rightly send nothing; a statement cannot
        if (SocketRoundTrips.ofThisThread() == before && method.getName().startsWith("execute")) {
            throw new IllegalStateException("a " + method.getName() + " call made no round trip at the socket;"
                    + " the connection was not made through " + SocketRoundTrips.Factory.class.getName());
        }
        return result;
    }

    private void record(String sql) {
        synchronized (recent) {
            if (recent.size() == KEPT_SQL) {
                recent.removeFirst();
            }
            recent.addLast(String.valueOf(sql));
        }
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
        return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }
}
