package dev.sessionkit.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionkit.testkit.CountingDataSource;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The floor: hand-written prepared statements on a connect-pg-simple-shaped table
 * ({@code sid varchar primary key, sess jsonb, expire timestamptz}, an index on {@code expire}, and
 * an expression index on the principal for listing), in auto-commit, the way connect-pg-simple
 * and express-session use it. No cookie signing, no guards, no audit trail: what any store pays
 * at least. The session JSON is parsed and written with the same Jackson mapper sessionkit uses.
 */
final class RawJdbcContender implements DbContender {

    private static final java.time.Clock CLOCK = java.time.Clock.systemUTC();

    static final String NAME = "raw";
    private static final long TTL_MILLIS = 24 * 3600 * 1000L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(SecureRandom::new);
    private static final String SELECT = "select sess from session where sid = ? and expire > ?";
    private static final String INSERT = "insert into session (sid, sess, expire) values (?, ?::jsonb, ?)";
    private static final String UPDATE = "update session set sess = ?::jsonb, expire = ? where sid = ?";
    private static final String TOUCH = "update session set expire = ? where sid = ?";
    private static final String ROTATE = "update session set sid = ?, sess = ?::jsonb, expire = ? where sid = ?";
    private static final String DELETE = "delete from session where sid = ?";
    private static final String BY_PRINCIPAL =
            "select sid, sess from session where sess->>'principal' = ? and expire > ?";

    private final HikariDataSource pool;
    private final CountingDataSource counting;
    private String[] sids = new String[0];

    RawJdbcContender(String jdbcUrl, boolean countStatements) {
        this.pool = BenchDatabase.pool(jdbcUrl, NAME, countStatements);
        this.counting = BenchDatabase.counting(pool, countStatements);
        Sql.execute(pool,
                "create table if not exists session (sid varchar not null primary key, sess jsonb not null,"
                        + " expire timestamptz(6) not null)",
                "create index if not exists idx_session_expire on session (expire)",
                "create index if not exists idx_session_principal on session ((sess->>'principal'))");
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
        List<String> handles = Parallel.map(sessions, i -> insert(attributes(null)));
        Parallel.map(principals * SESSIONS_PER_PRINCIPAL,
                i -> insert(attributes(Shapes.principal(i / SESSIONS_PER_PRINCIPAL))));
        DbContender.writeHandles(dir, NAME, handles);
    }

    @Override
    public void attach(Path dir) {
        sids = DbContender.readHandles(dir, NAME);
    }

    @Override
    public void attach(String[] handles) {
        sids = handles.clone();
    }

    @Override
    public int sessions() {
        return sids.length;
    }

    @Override
    public void readOnly(int i) {
        try (Connection c = counting.getConnection()) {
            ObjectNode sess = select(c, sids[i]);
            if (!sess.has(Shapes.THEME)) {
                throw new IllegalStateException("attribute missing");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void modify(int i) {
        try (Connection c = counting.getConnection()) {
            ObjectNode sess = select(c, sids[i]);
            sess.put(Shapes.COUNTER, sess.path(Shapes.COUNTER).asLong() + 1);
            try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
                ps.setString(1, write(sess));
                ps.setObject(2, expiry());
                ps.setString(3, sids[i]);
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SELECT, then an UPDATE of the expiry alone: connect-pg-simple's {@code touch}. */
    @Override
    public void readTouch(int i) {
        try (Connection c = counting.getConnection()) {
            ObjectNode sess = select(c, sids[i]);
            if (!sess.has(Shapes.THEME)) {
                throw new IllegalStateException("attribute missing");
            }
            try (PreparedStatement ps = c.prepareStatement(TOUCH)) {
                ps.setObject(1, expiry());
                ps.setString(2, sids[i]);
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The raw store has one way to change an attribute: the same as {@link #modify}. */
    @Override
    public void modifySet(int i) {
        modify(i);
    }

    @Override
    public void create() {
        insert(attributes(null));
    }

    @Override
    public void login() {
        ObjectNode visit = JSON.createObjectNode();
        visit.set(Shapes.CART, JSON.valueToTree(Shapes.CART_VALUE));
        String sid = insert(visit);
        try (Connection c = counting.getConnection()) {
            ObjectNode sess = select(c, sid);
            sess.put(Shapes.PRINCIPAL_ATTRIBUTE, "login-" + ThreadLocalRandom.current().nextInt(1_000_000));
            try (PreparedStatement ps = c.prepareStatement(ROTATE)) {
                ps.setString(1, newSid());
                ps.setString(2, write(sess));
                ps.setObject(3, expiry());
                ps.setString(4, sid);
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("session to sign in missing");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String prepareLogout() {
        return insert(attributes("logout-" + ThreadLocalRandom.current().nextInt(1_000_000)));
    }

    @Override
    public void logout(String sid) {
        try (Connection c = counting.getConnection()) {
            select(c, sid);
            try (PreparedStatement ps = c.prepareStatement(DELETE)) {
                ps.setString(1, sid);
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int listByPrincipal(int principal) {
        try (Connection c = counting.getConnection(); PreparedStatement ps = c.prepareStatement(BY_PRINCIPAL)) {
            ps.setString(1, Shapes.principal(principal));
            ps.setObject(2, now());
            int n = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rs.getString(1);
                    parse(rs.getString(2));
                    n++;
                }
            }
            return n;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void seedExpired(int rows) {
        Sql.execute(pool, "insert into session (sid, sess, expire)"
                + " select replace(gen_random_uuid()::text, '-', ''),"
                + " '{\"theme\":\"dark\",\"counter\":0,\"cart\":[101,202]}'::jsonb, now() - interval '1 day'"
                + " from generate_series(1, " + rows + ")", "vacuum analyze session");
    }

    @Override
    public void purge() {
        // connect-pg-simple's pruneSessions: one DELETE
        try (Connection c = counting.getConnection();
                PreparedStatement ps = c.prepareStatement("delete from session where expire < ?")) {
            ps.setObject(1, now());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public long countExpired() {
        return Sql.count(pool, "select count(*) from session where expire < now()");
    }

    private static ObjectNode select(Connection c, String sid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT)) {
            ps.setString(1, sid);
            ps.setObject(2, now());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("session missing");
                }
                return parse(rs.getString(1));
            }
        }
    }

    private String insert(ObjectNode sess) {
        String sid = newSid();
        try (Connection c = counting.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, sid);
            ps.setString(2, write(sess));
            ps.setObject(3, expiry());
            ps.executeUpdate();
            return sid;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode attributes(String principal) {
        ObjectNode sess = JSON.createObjectNode();
        sess.put(Shapes.THEME, Shapes.THEME_VALUE);
        sess.put(Shapes.COUNTER, 0);
        sess.set(Shapes.CART, JSON.valueToTree(Shapes.CART_VALUE));
        if (principal != null) {
            sess.put(Shapes.PRINCIPAL_ATTRIBUTE, principal);
        }
        return sess;
    }

    /** 24 random bytes, base64url: the size of express-session's uid-safe ids. */
    static String newSid() {
        byte[] bytes = new byte[24];
        RANDOM.get().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    // bound as OffsetDateTime, which pgjdbc sends typed (timestamptz); a java.sql.Timestamp goes
    // untyped, and pgjdbc then describes each statement returning jsonb first: a second round trip
    private static OffsetDateTime now() {
        return OffsetDateTime.ofInstant(CLOCK.instant(), ZoneOffset.UTC);
    }

    private static OffsetDateTime expiry() {
        return now().plusNanos(TTL_MILLIS * 1_000_000L);
    }

    private static ObjectNode parse(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
