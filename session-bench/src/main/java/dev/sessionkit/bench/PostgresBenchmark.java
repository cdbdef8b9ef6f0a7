package dev.sessionkit.bench;

import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The request shapes against PostgreSQL, one JMH benchmark per shape, the contender a parameter.
 * Options (threads, iterations, forks) come from {@link BenchMain}; so do the database and the
 * seeded sessions, through the system properties {@value #JDBC_URL} and {@value #DATA_DIR}.
 * Sessions are picked uniformly at random from the seeded ones.
 */
@State(Scope.Benchmark)
public class PostgresBenchmark {

    static final String JDBC_URL = "bench.jdbcUrl";
    static final String DATA_DIR = "bench.dataDir";

    @Param({SessionkitContender.NAME, SpringSessionContender.NAME, RawJdbcContender.NAME})
    public String contender;

    private DbContender db;
    private int sessions;
    private int principals;

    @Setup(Level.Trial)
    public void open() {
        db = DbContender.open(contender, required(JDBC_URL), false);
        db.attach(Path.of(required(DATA_DIR)));
        sessions = db.sessions();
        principals = Integer.getInteger(BenchConfig.PRINCIPALS_PROPERTY, BenchConfig.DEFAULT_PRINCIPALS);
    }

    @TearDown(Level.Trial)
    public void close() {
        db.close();
    }

    @Benchmark
    public void readOnly() {
        db.readOnly(ThreadLocalRandom.current().nextInt(sessions));
    }

    @Benchmark
    public void readTouch() {
        db.readTouch(ThreadLocalRandom.current().nextInt(sessions));
    }

    @Benchmark
    public void modify() {
        db.modify(ThreadLocalRandom.current().nextInt(sessions));
    }

    @Benchmark
    public void modifySet() {
        db.modifySet(ThreadLocalRandom.current().nextInt(sessions));
    }

    @Benchmark
    public void create() {
        db.create();
    }

    @Benchmark
    public void login() {
        db.login();
    }

    @Benchmark
    public void logout(LogoutTicket ticket) {
        db.logout(ticket.handle);
    }

    @Benchmark
    public int listByPrincipal() {
        return db.listByPrincipal(ThreadLocalRandom.current().nextInt(principals));
    }

    DbContender db() {
        return db;
    }

    static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set; run through BenchMain");
        }
        return value;
    }

    /**
     * A signed-in session made before each logout, outside the measured time (JMH times only the
     * benchmark method when a state has an invocation-level setup).
     */
    @State(Scope.Thread)
    public static class LogoutTicket {

        String handle;

        @Setup(Level.Invocation)
        public void prepare(PostgresBenchmark benchmark) {
            handle = benchmark.db().prepareLogout();
        }
    }
}
