package dev.sessionkit.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.sessionkit.testkit.CountingDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.core.serializer.support.SerializingConverter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring Session JDBC as Spring Boot sets it up: {@link JdbcIndexedSessionRepository} on plain
 * {@link JdbcTemplate} and {@link TransactionTemplate} over the pool, its default settings (JDK
 * serialization of attributes, {@code FlushMode.ON_SAVE}, {@code SaveMode.ON_SET_ATTRIBUTE}) and
 * its own PostgreSQL schema, read from its jar. Each request does what
 * {@code SessionRepositoryFilter} does: {@code findById}, {@code setLastAccessedTime(now)}, the
 * work, {@code save}.
 */
final class SpringSessionContender implements DbContender {

    private static final java.time.Clock CLOCK = java.time.Clock.systemUTC();

    static final String NAME = "spring";
    private static final String NOW_MILLIS = "(extract(epoch from now()) * 1000)::bigint";
    private static final SerializingConverter SERIALIZER = new SerializingConverter();
    private static final String SCHEMA_RESOURCE = "org/springframework/session/jdbc/schema-postgresql.sql";

    private final HikariDataSource pool;
    private final CountingDataSource counting;
    private final JdbcIndexedSessionRepository jdbcRepository;
    /** The same repository through its interface: its session class is not public. */
    private final FindByIndexNameSessionRepository<Session> repository;
    private String[] ids = new String[0];

    SpringSessionContender(String jdbcUrl, boolean countStatements) {
        this.pool = BenchDatabase.pool(jdbcUrl, NAME, countStatements);
        this.counting = BenchDatabase.counting(pool, countStatements);
        if (Sql.count(pool, "select count(*) from information_schema.tables where table_schema = current_schema()"
                + " and table_name = 'spring_session'") == 0) {
            Sql.execute(pool, schemaStatements());
        }
        this.jdbcRepository = new JdbcIndexedSessionRepository(new JdbcTemplate(counting),
                new TransactionTemplate(new DataSourceTransactionManager(counting)));
        jdbcRepository.setDefaultMaxInactiveInterval(Duration.ofHours(24));
        this.repository = asInterface(jdbcRepository);
        // afterPropertiesSet() is not called: it would start Spring's own cleanup scheduler
    }

    @SuppressWarnings("unchecked")
    private static FindByIndexNameSessionRepository<Session> asInterface(JdbcIndexedSessionRepository repository) {
        return (FindByIndexNameSessionRepository<Session>) (FindByIndexNameSessionRepository<?>) repository;
    }

    private static String[] schemaStatements() {
        ClassLoader loader = JdbcIndexedSessionRepository.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SCHEMA_RESOURCE + " is not on the class path");
            }
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split(";"))
                    .map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CountingDataSource counting() {
        return counting;
    }

    /** The pool, for setup SQL. */
    HikariDataSource pool() {
        return pool;
    }

    @Override
    public void seed(Path dir, int sessions, int principals) {
        List<String> handles = Parallel.map(sessions, i -> createWithAttributes(null,
                CLOCK.instant().minusMillis(ThreadLocalRandom.current().nextLong(300_000))));
        Parallel.map(principals * SESSIONS_PER_PRINCIPAL,
                i -> createWithAttributes(Shapes.principal(i / SESSIONS_PER_PRINCIPAL), CLOCK.instant()));
        DbContender.writeHandles(dir, NAME, handles);
    }

    @Override
    public void attach(Path dir) {
        ids = DbContender.readHandles(dir, NAME);
    }

    @Override
    public void attach(String[] handles) {
        ids = handles.clone();
    }

    @Override
    public int sessions() {
        return ids.length;
    }

    @Override
    public void readOnly(int i) {
        Session session = load(ids[i]);
        if (session.getAttribute(Shapes.THEME) == null) {
            throw new IllegalStateException("attribute missing");
        }
        repository.save(session);
    }

    @Override
    public void modify(int i) {
        Session session = load(ids[i]);
        Integer counter = session.getAttribute(Shapes.COUNTER);
        session.setAttribute(Shapes.COUNTER, counter == null ? 1 : counter + 1);
        repository.save(session);
    }

    /** Spring Session writes the access time on every save: the same as {@link #readOnly}. */
    @Override
    public void readTouch(int i) {
        readOnly(i);
    }

    /** Spring Session has no atomic increment: the same as {@link #modify}. */
    @Override
    public void modifySet(int i) {
        modify(i);
    }

    @Override
    public void create() {
        createWithAttributes(null, CLOCK.instant());
    }

    @Override
    public void login() {
        Session visit = repository.createSession();
        visit.setAttribute(Shapes.CART, new ArrayList<>(Shapes.CART_VALUE));
        repository.save(visit);
        Session signIn = load(visit.getId());
        signIn.changeSessionId();
        signIn.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME,
                "login-" + ThreadLocalRandom.current().nextInt(1_000_000));
        repository.save(signIn);
    }

    @Override
    public String prepareLogout() {
        return createWithAttributes("logout-" + ThreadLocalRandom.current().nextInt(1_000_000), CLOCK.instant());
    }

    @Override
    public void logout(String id) {
        Session session = load(id);
        repository.deleteById(session.getId());
    }

    @Override
    public int listByPrincipal(int principal) {
        return repository.findByPrincipalName(Shapes.principal(principal)).size();
    }

    @Override
    public void seedExpired(int rows) {
        Sql.execute(pool, "insert into spring_session (primary_id, session_id, creation_time, last_access_time,"
                + " max_inactive_interval, expiry_time, principal_name)"
                + " select gen_random_uuid()::text, gen_random_uuid()::text, t - 172800000, t - 172800000, 86400,"
                + " t - 86400000, null"
                + " from generate_series(1, " + rows + "), (select (extract(epoch from now()) * 1000)::bigint as t) n");
        // the attribute rows the cascade must delete, with the bytes Spring itself writes
        String attributes = "insert into spring_session_attributes"
                + " (session_primary_id, attribute_name, attribute_bytes)"
                + " select primary_id, ?, ? from spring_session where expiry_time < " + NOW_MILLIS;
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(attributes)) {
            for (Object[] attribute : new Object[][] {{Shapes.THEME, Shapes.THEME_VALUE}, {Shapes.COUNTER, 0},
                    {Shapes.CART, new ArrayList<>(Shapes.CART_VALUE)}}) {
                ps.setString(1, (String) attribute[0]);
                ps.setBytes(2, SERIALIZER.convert(attribute[1]));
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        Sql.execute(pool, "vacuum analyze spring_session", "vacuum analyze spring_session_attributes");
    }

    @Override
    public void purge() {
        jdbcRepository.cleanUpExpiredSessions();
    }

    @Override
    public long countExpired() {
        return Sql.count(pool, "select count(*) from spring_session where expiry_time < " + NOW_MILLIS);
    }

    private Session load(String id) {
        Session session = repository.findById(id);
        if (session == null) {
            throw new IllegalStateException("session missing");
        }
        session.setLastAccessedTime(CLOCK.instant()); // what SessionRepositoryFilter does on every request
        return session;
    }

    private String createWithAttributes(String principal, Instant lastAccess) {
        Session session = repository.createSession();
        session.setLastAccessedTime(lastAccess);
        session.setAttribute(Shapes.THEME, Shapes.THEME_VALUE);
        session.setAttribute(Shapes.COUNTER, 0);
        session.setAttribute(Shapes.CART, new ArrayList<>(Shapes.CART_VALUE));
        if (principal != null) {
            session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, principal);
        }
        repository.save(session);
        return session.getId();
    }

    @Override
    public void close() {
        pool.close();
    }
}
