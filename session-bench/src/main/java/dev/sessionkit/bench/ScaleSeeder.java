package dev.sessionkit.bench;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionJson;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionStats;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.SessionStore;
import dev.sessionkit.Touch;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.springframework.core.serializer.support.SerializingConverter;
import org.springframework.session.FindByIndexNameSessionRepository;

/**
 * Fills each contender's tables with many live sessions for the scale mode ({@link ScaleRun}), in
 * bulk: the rows are made in this JVM and sent with {@code COPY … FROM STDIN} in chunks of
 * {@value #CHUNK}, not one request each.
 *
 * <ul>
 *   <li><b>sessionkit:</b> each session is created by a real {@link SessionManager} with the
 *       contender's settings, so its id, signed cookie, SHA-256 lookup key, attribute JSON and
 *       expiry columns are exactly what a request would make; the manager's store only captures the
 *       {@link SessionData} it is asked to create, and the row is written as
 *       {@code PostgresSessionStore.create} binds it. The column list is read from the table itself,
 *       and a column this class does not know fails the run, so a schema that grows a column cannot
 *       be seeded half-filled.</li>
 *   <li><b>raw JDBC:</b> the {@code session} table's three columns, as its {@code INSERT} writes them.</li>
 *   <li><b>Spring Session JDBC:</b> {@code spring_session} and {@code spring_session_attributes}, the
 *       attribute bytes JDK-serialised by the same {@link SerializingConverter} the repository uses.</li>
 * </ul>
 *
 * <p>Every session carries the three attributes of {@link Shapes}; one in {@value #SIGNED_IN_EVERY}
 * is signed in, {@link DbContender#SESSIONS_PER_PRINCIPAL} to a principal. Last accesses are spread
 * uniformly over the chosen window before the moment each row is made.
 */
final class ScaleSeeder {

    /** Rows per {@code COPY}. */
    static final int CHUNK = 50_000;
    /** One seeded session in this many has a principal. */
    static final int SIGNED_IN_EVERY = 10;

    private static final HexFormat HEX = HexFormat.of();
    private static final SerializingConverter SERIALIZER = new SerializingConverter();
    private static final Duration IDLE = Duration.ofHours(24);

    private ScaleSeeder() {
    }

    /** What one seeding did. */
    record Seeded(String contender, String table, int sessions, long rows, long millis) {

        double rowsPerSecond() {
            return millis == 0 ? Double.NaN : rows * 1000.0 / millis;
        }
    }

    /** The principal of seeded session {@code i}, or null for an anonymous one. */
    static String principalOf(int i) {
        return i % SIGNED_IN_EVERY == 0 ? Shapes.principal(i / (SIGNED_IN_EVERY * DbContender.SESSIONS_PER_PRINCIPAL))
                : null;
    }

    /**
     * Seeds sessionkit's table with {@code n} sessions whose last accesses lie up to {@code spread}
     * back, gives the contender their cookies, and vacuums the table.
     */
    static Seeded sessionkit(SessionkitContender sk, String jdbcUrl, int n, Duration spread) {
        long t0 = System.nanoTime();
        String table = "sessions";
        List<String> columns = columns(jdbcUrl, table);
        List<Function<SessionData, String>> values = columns.stream().map(ScaleSeeder::sessionkitColumn).toList();
        CapturingStore capture = new CapturingStore(values);
        SessionkitContender.BackdatedClock clock = new SessionkitContender.BackdatedClock();
        long spreadMillis = Math.max(1, spread.toMillis());
        String[] cookies = new String[n];
        try (SessionManager seeding = SessionManager.builder().settings(sk.settings()).store(capture).clock(clock)
                .sweeper(false).build()) {
            copy(jdbcUrl, table, columns, n, (i, out) -> {
                clock.back(Duration.ofMillis(ThreadLocalRandom.current().nextLong(spreadMillis)));
                cookies[i] = Shapes.createWithAttributes(seeding, principalOf(i));
                out.append(capture.taken());
            }, false);
        }
        sk.attach(cookies);
        Sql.execute(sk.pool(), "vacuum analyze " + table);
        return new Seeded(SessionkitContender.NAME, table, n, n, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Seeds the raw contender's {@code session} table with {@code n} sessions and gives it their ids. */
    static Seeded raw(RawJdbcContender raw, String jdbcUrl, int n) {
        long t0 = System.nanoTime();
        String[] sids = new String[n];
        Instant expire = Clock.systemUTC().instant().plus(IDLE);
        copy(jdbcUrl, "session", List.of("sid", "sess", "expire"), n, (i, out) -> {
            sids[i] = RawJdbcContender.newSid();
            out.append(sids[i]).append('\t').append(text(RawJdbcContender.write(RawJdbcContender.attributes(principalOf(i)))))
                    .append('\t').append(expire).append('\n');
        }, false);
        raw.attach(sids);
        Sql.execute(raw.pool(), "vacuum analyze session");
        return new Seeded(RawJdbcContender.NAME, "session", n, n, (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Seeds Spring Session JDBC's two tables with {@code n} sessions (and three or four attribute
     * rows each, the principal being an attribute too), last accesses up to {@code spread} back,
     * and gives the contender their ids.
     */
    static Seeded spring(SpringSessionContender spring, String jdbcUrl, int n, Duration spread) {
        long t0 = System.nanoTime();
        String[] ids = new String[n];
        String[] primaryIds = new String[n];
        long now = Clock.systemUTC().millis();
        long spreadMillis = Math.max(1, spread.toMillis());
        int maxInactive = (int) IDLE.toSeconds();
        copy(jdbcUrl, "spring_session", List.of("primary_id", "session_id", "creation_time", "last_access_time",
                "max_inactive_interval", "expiry_time", "principal_name"), n, (i, out) -> {
                    primaryIds[i] = UUID.randomUUID().toString();
                    ids[i] = UUID.randomUUID().toString();
                    long last = now - ThreadLocalRandom.current().nextLong(spreadMillis);
                    String principal = principalOf(i);
                    out.append(primaryIds[i]).append('\t').append(ids[i]).append('\t').append(last).append('\t')
                            .append(last).append('\t').append(maxInactive).append('\t')
                            .append(last + maxInactive * 1000L).append('\t')
                            .append(principal == null ? "\\N" : principal).append('\n');
                }, false);
        String theme = bytea(SERIALIZER.convert(Shapes.THEME_VALUE));
        String counter = bytea(SERIALIZER.convert(0));
        String cart = bytea(SERIALIZER.convert(new ArrayList<>(Shapes.CART_VALUE)));
        long[] attributeRows = {0};
        // the foreign key to spring_session is checked per row; the rows are consistent by construction,
        // so replication role "replica" skips that trigger where the user may set it (a superuser)
        boolean skipForeignKey = canSkipTriggers(jdbcUrl);
        copy(jdbcUrl, "spring_session_attributes", List.of("session_primary_id", "attribute_name", "attribute_bytes"),
                n, (i, out) -> {
                    String id = primaryIds[i];
                    out.append(id).append('\t').append(Shapes.THEME).append('\t').append(theme).append('\n');
                    out.append(id).append('\t').append(Shapes.COUNTER).append('\t').append(counter).append('\n');
                    out.append(id).append('\t').append(Shapes.CART).append('\t').append(cart).append('\n');
                    String principal = principalOf(i);
                    if (principal != null) {
                        out.append(id).append('\t').append(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME)
                                .append('\t').append(bytea(SERIALIZER.convert(principal))).append('\n');
                    }
                }, skipForeignKey);
        attributeRows[0] = Sql.count(spring.pool(), "select count(*) from spring_session_attributes");
        spring.attach(ids);
        Sql.execute(spring.pool(), "vacuum analyze spring_session", "vacuum analyze spring_session_attributes");
        return new Seeded(SpringSessionContender.NAME, "spring_session (+ attributes)", n, n + attributeRows[0],
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** One line (or several) of COPY text for row {@code i}, appended to a chunk being built. */
    @FunctionalInterface
    private interface RowWriter {
        void write(int i, StringBuilder out);
    }

    /**
     * Builds {@code n} rows in chunks of {@value #CHUNK} on {@link Parallel#SEED_THREADS} threads and
     * copies each chunk in (one transaction per chunk).
     */
    private static void copy(String jdbcUrl, String table, List<String> columns, int n, RowWriter rows,
            boolean replicaRole) {
        String sql = "copy " + table + " (" + String.join(", ", columns.stream().map(c -> '"' + c + '"').toList())
                + ") from stdin";
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            if (replicaRole) {
                try (Statement s = c.createStatement()) {
                    s.execute("set session_replication_role = replica");
                }
            }
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            for (int from = 0; from < n; from += CHUNK) {
                int first = from;
                int size = Math.min(CHUNK, n - from);
                StringBuilder[] parts = new StringBuilder[Parallel.SEED_THREADS];
                for (int t = 0; t < parts.length; t++) {
                    parts[t] = new StringBuilder(size / parts.length * 200);
                }
                // Parallel gives index j to thread j % SEED_THREADS, so each part is one thread's
                Parallel.forEach(size, j -> rows.write(first + j, parts[j % parts.length]));
                for (StringBuilder part : parts) {
                    copy.copyIn(sql, new StringReader(part.toString()));
                }
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("seeding " + table + " failed: " + e.getMessage(), e);
        }
    }

    private static boolean canSkipTriggers(String jdbcUrl) {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            s.execute("set session_replication_role = replica");
            return true;
        } catch (SQLException e) {
            BenchMain.log("scale: cannot set session_replication_role (" + e.getMessage()
                    + "); the attribute rows are copied with their foreign-key check");
            return false;
        }
    }

    /** The columns of {@code table} that a row supplies: not dropped, not generated, in table order. */
    static List<String> columns(String jdbcUrl, String table) {
        String query = "select attname from pg_catalog.pg_attribute where attrelid = to_regclass(?)"
                + " and attnum > 0 and not attisdropped and attgenerated = '' order by attnum";
        try (Connection c = DriverManager.getConnection(jdbcUrl); PreparedStatement ps = c.prepareStatement(query)) {
            ps.setString(1, table);
            List<String> columns = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
            if (columns.isEmpty()) {
                throw new IllegalStateException("no table " + table + " to seed");
            }
            return columns;
        } catch (SQLException e) {
            throw new IllegalStateException("reading the columns of " + table + " failed: " + e.getMessage(), e);
        }
    }

    /** How {@code PostgresSessionStore.create} fills a column, as COPY text; fails for a column it does not know. */
    private static Function<SessionData, String> sessionkitColumn(String column) {
        return switch (column) {
            case "key" -> s -> "\\\\x" + s.key().value();
            case "data" -> s -> text(SessionJson.writeAttributes(s.attributes()));
            case "principal" -> s -> text(s.principal());
            case "created_at" -> s -> text(s.createdAt());
            case "last_accessed_at" -> s -> text(s.lastAccessedAt());
            case "idle_expires_at" -> s -> text(s.idleExpiresAt());
            case "absolute_expires_at" -> s -> text(s.absoluteExpiresAt());
            case "idle_timeout_ms" -> s -> Long.toString(s.idleTimeout().toMillis());
            case "ip" -> s -> text(SessionJson.clientText(s.ip()));
            case "user_agent" -> s -> text(SessionJson.clientText(s.userAgent()));
            case "status" -> s -> text(s.status().code());
            case "version" -> s -> Long.toString(s.version());
            case "key_issued_at" -> s -> text(s.keyIssuedAt());
            // schema 3: the sweep's lower bound of the expiry, the expiry itself at create
            case "sweep_at" -> s -> text(s.expiresAt());
            // not written at create
            case "logged_out_at", "previous_key", "previous_key_expires_at" -> s -> "\\N";
            default -> throw new IllegalStateException("the sessions table has a column " + column
                    + " that ScaleSeeder does not fill: teach it what PostgresSessionStore.create writes there");
        };
    }

    private static String text(Instant value) {
        return value == null ? "\\N" : value.toString();
    }

    /** A value in COPY's text format: backslash, tab, newline and carriage return escaped; null as {@code \N}. */
    static String text(String value) {
        if (value == null) {
            return "\\N";
        }
        StringBuilder sb = null;
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            String escaped = switch (ch) {
                case '\\' -> "\\\\";
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                default -> null;
            };
            if (escaped != null && sb == null) {
                sb = new StringBuilder(value.length() + 8).append(value, 0, i);
            }
            if (sb != null) {
                if (escaped != null) {
                    sb.append(escaped);
                } else {
                    sb.append(ch);
                }
            }
        }
        return sb == null ? value : sb.toString();
    }

    private static String bytea(byte[] bytes) {
        return "\\\\x" + HEX.formatHex(bytes);
    }

    /**
     * The seeding manager's store: it keeps, per thread, the COPY line of the one session it was
     * asked to create, and does nothing else (a seeding request makes no other store call).
     */
    private static final class CapturingStore implements SessionStore {

        private final List<Function<SessionData, String>> columns;
        private final ThreadLocal<String> last = new ThreadLocal<>();

        CapturingStore(List<Function<SessionData, String>> columns) {
            this.columns = columns;
        }

        /** The line of the session this thread created last; it is forgotten. */
        String taken() {
            String line = last.get();
            if (line == null) {
                throw new IllegalStateException("the seeding request created no session");
            }
            last.remove();
            return line;
        }

        @Override
        public boolean create(SessionData session) {
            StringBuilder line = new StringBuilder(400);
            for (int c = 0; c < columns.size(); c++) {
                if (c > 0) {
                    line.append('\t');
                }
                line.append(columns.get(c).apply(session));
            }
            last.set(line.append('\n').toString());
            return true;
        }

        @Override
        public String name() {
            return "scale-seeding";
        }

        @Override
        public Optional<SessionData> load(LookupKey key, Instant now) {
            throw unexpected();
        }

        @Override
        public Optional<SessionData> apply(LookupKey key, SessionDelta delta, Instant now) {
            throw unexpected();
        }

        @Override
        public Optional<SessionData> changeKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant now) {
            throw unexpected();
        }

        @Override
        public Optional<SessionData> renewKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta,
                Instant graceUntil, Instant now) {
            throw unexpected();
        }

        @Override
        public boolean touch(LookupKey key, Touch touch, Instant now) {
            throw unexpected();
        }

        @Override
        public boolean end(LookupKey key, SessionStatus reason, Instant now) {
            throw unexpected();
        }

        @Override
        public List<SessionData> findByPrincipal(String principal, Instant now) {
            throw unexpected();
        }

        @Override
        public int endByPrincipal(String principal, SessionStatus reason, Instant now) {
            throw unexpected();
        }

        @Override
        public List<SessionData> findLive(Instant now, int limit) {
            throw unexpected();
        }

        @Override
        public List<LookupKey> purgeExpired(Instant now, int limit) {
            throw unexpected();
        }

        @Override
        public SessionStats stats(Instant now) {
            throw unexpected();
        }

        @Override
        public void close() {
        }

        private static UnsupportedOperationException unexpected() {
            return new UnsupportedOperationException("the seeding store only captures creates");
        }
    }
}
