package dev.sessionkit.bench;

import dev.sessionkit.testkit.CountingDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One side of the PostgreSQL comparison, doing the request shapes of issue 7 the way a real user
 * of it would. Each contender has its own tables in the benchmark schema, its own HikariCP pool
 * of {@link BenchDatabase#POOL_SIZE} wrapped in the shared {@link CountingDataSource}, and its own
 * seeded sessions, whose handles (a cookie header, a session id) are written to a file by
 * {@link #seed} in the launcher and read back by {@link #attach} in each JMH fork.
 *
 * <p>Every method is safe to call from many threads. Operations fail loudly (an unchecked
 * exception) when a session that must exist is missing: a benchmark that silently does less work
 * would flatter its contender.
 */
interface DbContender extends AutoCloseable {

    /** Sessions each listed principal has. */
    int SESSIONS_PER_PRINCIPAL = 5;

    /** {@code sessionkit}, {@code spring} or {@code raw}. */
    String name();

    /** The counter around this contender's pool; it counts only if the contender was opened so. */
    CountingDataSource counting();

    /**
     * Creates {@code sessions} anonymous sessions with the three attributes, and
     * {@code principals} × {@link #SESSIONS_PER_PRINCIPAL} signed-in ones, and writes the handles of
     * the anonymous ones to {@code dir}.
     */
    void seed(Path dir, int sessions, int principals);

    /** Reads the handles {@link #seed} wrote. */
    void attach(Path dir);

    /** Takes the handles of sessions seeded some other way ({@link ScaleSeeder}), in memory. */
    void attach(String[] handles);

    /** How many seeded sessions there are to pick from. */
    int sessions();

    /** A request that reads the session: load, read an attribute, and what the contender writes then. */
    void readOnly(int session);

    /**
     * {@link #readOnly} with the session's access time written on every request (sessionkit's touch
     * interval zero); Spring Session and connect-pg-simple write it every request anyway.
     */
    void readTouch(int session);

    /** A request that loads the session, increments a counter attribute and saves it (sessionkit: the atomic {@code increment}). */
    void modify(int session);

    /** {@link #modify} by reading the counter and setting it to one more (sessionkit: {@code get}, then {@code set}). */
    void modifySet(int session);

    /** A request that creates a session with three small attributes. */
    void create();

    /**
     * Two requests of a new visitor: the first creates an anonymous session (a cart), the second
     * signs in: a new id and the principal set.
     */
    void login();

    /** Creates a signed-in session for {@link #logout}; not part of the measurement. */
    String prepareLogout();

    /** A request that loads the session named by {@code handle} and logs it out. */
    void logout(String handle);

    /** Lists the sessions of principal number {@code principal}; returns how many were found. */
    int listByPrincipal(int principal);

    /** Inserts {@code rows} expired sessions with the usual attributes, in bulk SQL, and analyzes the tables. */
    void seedExpired(int rows);

    /** Removes expired sessions the contender's own way. */
    void purge();

    /** Expired sessions still in the table (0 after a complete purge). */
    long countExpired();

    /**
     * Finishes what the contender does after a request on threads of its own (sessionkit's event
     * announcements), so that those threads hold no pooled connection when the next request borrows
     * one. The statement probe calls it between requests, outside what it counts: a request that got
     * another connection than its thread's usual one would pay that connection's one-time Describe
     * when its statement becomes server-prepared there, and the count would depend on timing.
     */
    default void settle() {
    }

    @Override
    void close();

    static Path handles(Path dir, String contender) {
        return dir.resolve(contender + "-sessions.txt");
    }

    static void writeHandles(Path dir, String contender, List<String> handles) {
        try {
            Files.createDirectories(dir);
            Files.write(handles(dir, contender), handles);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String[] readHandles(Path dir, String contender) {
        try {
            return Files.readAllLines(handles(dir, contender)).toArray(String[]::new);
        } catch (IOException e) {
            throw new UncheckedIOException("no seeded sessions for " + contender + " in " + dir, e);
        }
    }

    /**
     * A contender by name, connected to {@code jdbcUrl}; its {@link #counting()} counts only when
     * {@code countStatements} (the JMH forks time without the counter in the way).
     */
    static DbContender open(String name, String jdbcUrl, boolean countStatements) {
        return switch (name) {
            case SessionkitContender.NAME -> new SessionkitContender(jdbcUrl, countStatements);
            case SpringSessionContender.NAME -> new SpringSessionContender(jdbcUrl, countStatements);
            case RawJdbcContender.NAME -> new RawJdbcContender(jdbcUrl, countStatements);
            default -> throw new IllegalArgumentException("unknown contender " + name);
        };
    }

    /** Every contender, in report order. */
    List<String> ALL = List.of(SessionkitContender.NAME, SpringSessionContender.NAME, RawJdbcContender.NAME);
}
