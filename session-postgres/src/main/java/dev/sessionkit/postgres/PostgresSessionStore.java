package dev.sessionkit.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionConfigurationException;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionJson;
import dev.sessionkit.SessionLimitMode;
import dev.sessionkit.SessionStats;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.SessionStore;
import dev.sessionkit.StoreEvents;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.Touch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.postgresql.util.PGobject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL {@link SessionStore}: one row per session in a table with the attributes in a
 * {@code jsonb} column, and one statement per operation (a load of a key that is no current key
 * takes two).
 *
 * <ul>
 *   <li>{@code load}: one {@code SELECT} by primary key, guarded by status and expiry; when it finds
 *       nothing, a second by {@code previous_key} (below);</li>
 *   <li>{@code create}: one {@code INSERT … ON CONFLICT DO NOTHING};</li>
 *   <li>{@code apply}: one {@code UPDATE … RETURNING} that merges the delta inside PostgreSQL
 *       ({@code data - removed || set}, increments from the stored value), so concurrent requests
 *       that change different attributes or increment the same counter never lose writes;</li>
 *   <li>{@code changeKey}: the same {@code UPDATE}, also moving the row to the new key;</li>
 *   <li>{@code renewKey}: the same again, keeping the old key in {@code previous_key} until the
 *       grace ends; every write by key also matches {@code previous_key} while
 *       {@code previous_key_expires_at} has not passed (an {@code OR} of the primary key and the
 *       partial index on {@code previous_key}), and {@code load} tries it second, so a renewed
 *       session is one row under two keys;</li>
 *   <li>{@code touch}: by default ({@link PostgresStoreSettings.TouchMode#WRITE_BEHIND}) no statement:
 *       the touch is queued, and a daemon thread writes the queue, many sessions in one
 *       {@code UPDATE … FROM unnest(…)} per batch, every {@link PostgresStoreSettings#touchFlushInterval()}
 *       ({@link #flush()} and {@link #close()} write it too); in
 *       {@link PostgresStoreSettings.TouchMode#SYNC sync} mode one {@code UPDATE};</li>
 *   <li>{@code end}, {@code endByPrincipal}: one {@code UPDATE} each; access time and idle expiry
 *       only move forward ({@code GREATEST}); ended sessions keep their row, with status and
 *       {@code logged_out_at}, as an audit trail;</li>
 *   <li>{@code purgeExpired}: one statement per bounded batch of due rows, found by
 *       {@code sweep_at} (a lower bound of the expiry that touches and attribute writes leave
 *       alone, so that they stay HOT updates): it deletes the expired ones, moves the others'
 *       {@code sweep_at} up to their expiry (several instances can sweep at once: one that reaches
 *       rows another is deleting waits for that batch and leaves those rows to it), and deletes a
 *       batch of audit rows older than {@link PostgresStoreSettings#auditRetention()}; more
 *       batches follow while only moved rows kept a batch from finding {@code limit} expired ones.</li>
 * </ul>
 *
 * <p>Every write applies only to a live session, so a request finishing after a logout cannot
 * revive it. Times are those passed by the caller, never the database's clock. Instants are kept
 * to the microsecond, PostgreSQL's precision.
 *
 * <p>Connections come from a {@link DataSource} the application hands in (it stays the
 * application's: {@link #close()} leaves it open), or from a HikariCP pool this store builds from
 * {@link PostgresStoreSettings#databaseUrl()} with the pool size and connect timeout of the
 * settings. Every statement, on either, gets the settings' statement timeout as the driver's query
 * timeout (a cancel request when it fires, which works through pgbouncer), and
 * {@code prepareThreshold=0} when {@link PostgresStoreSettings#preparedStatements()} is off. Nothing
 * is set per connection, so a transaction-mode pooler can hand each statement to any server
 * connection. Any database failure surfaces as {@link StoreUnavailableException}; with the
 * store's own pool, an unreachable database fails within the connect timeout, and the store
 * recovers by itself when it returns.
 *
 * <p>Thread-safe. After {@link #close()} every operation but {@code close} and {@link #name()}
 * throws {@link IllegalStateException}, on a given {@code DataSource} as on the store's own pool.
 * Build with {@link #builder()}.
 */
public final class PostgresSessionStore implements SessionStore {

    /** The first key of the per-principal advisory lock; the migration uses another. */
    private static final int PRINCIPAL_LOCK_CLASS = 0x5e55_1018;

    /** Ended audit rows deleted per purge call, as a multiple of the caller's limit. */
    static final int AUDIT_BATCH_FACTOR = 10;

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSessionStore.class);
    private static final String NAME = "postgres";
    private static final String[] NO_KEYS = new String[0];
    private static final String EMPTY_OBJECT = "{}";

    private final SessionTable table;
    private final SessionRows rows;
    private final DataSource dataSource;
    private final HikariDataSource ownedPool;
    private final Duration auditRetention;
    private final StatementOptions statements;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** This store's instance id in its announcements, so its own feed skips them. */
    private final String origin = randomOrigin();
    private final EventFeed.Connector feedConnector;
    private final Clock clock;
    /** The write-behind queue of touches; null in {@code sync} mode. */
    private final TouchQueue touches;
    /** A read-only view of the queue's counters, for {@link #unwrap}. */
    private final TouchQueueCounters touchCounters = new TouchQueueCounters() {
        @Override
        public long queued() {
            return touches.counts().queued();
        }

        @Override
        public long written() {
            return touches.counts().written();
        }

        @Override
        public long dropped() {
            return touches.counts().dropped();
        }

        @Override
        public int pending() {
            return touches.counts().pending();
        }
    };
    /** Sends what the ending and moving statements did to other instances; null with events off. */
    private final EventAnnouncer announcer;
    private EventFeed feed;

    private PostgresSessionStore(SessionTable table, DataSource dataSource, HikariDataSource ownedPool,
            Duration auditRetention, StatementOptions statements, EventFeed.Connector feedConnector, Clock clock,
            PostgresStoreSettings settings) {
        this.table = table;
        this.touches = settings.touchMode() == PostgresStoreSettings.TouchMode.WRITE_BEHIND
                ? new TouchQueue(table.qualifiedName(), this::writeTouches, settings.touchFlushInterval(),
                        settings.touchBatchSize(), settings.touchQueueSize())
                : null;
        this.announcer = table.notifying()
                ? new EventAnnouncer(table.qualifiedName(), origin, this::sendAnnouncements) : null;
        this.feedConnector = feedConnector;
        this.clock = clock;
        this.statements = statements;
        this.rows = new SessionRows(table.qualifiedName());
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        this.auditRetention = auditRetention;
    }

    private static String randomOrigin() {
        byte[] bytes = new byte[12];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** A builder; give it settings and, optionally, the application's {@link DataSource}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<SessionData> load(LookupKey key, Instant now) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(now, "now");
        checkOpen();
        byte[] bytes = SessionRows.keyBytes(key);
        try (Connection connection = dataSource.getConnection()) {
            Optional<SessionData> current = select(connection, table.load, bytes, now);
            // not a current key: a renewed session's previous key, while its grace lasts? (a renewal
            // changes both keys in one statement, so a row missed by the first is found here)
            return current.isPresent() ? current : select(connection, table.loadPrevious, bytes, now);
        } catch (SQLException e) {
            throw failure(table.load, e); // the caller's operation is the load, whichever statement failed
        }
    }

    /** One primary-key lookup of {@link SessionStore#PING_KEY} (the load's first statement only). */
    @Override
    public void ping() {
        checkOpen();
        try (Connection connection = dataSource.getConnection()) {
            select(connection, table.load, SessionRows.keyBytes(PING_KEY), Instant.EPOCH);
        } catch (SQLException e) {
            throw failure(table.load, e);
        }
    }

    /** Runs {@code sql}, {@code table.load} or {@code table.loadPrevious}, for {@code key}: the live row, if any. */
    private Optional<SessionData> select(Connection connection, Sql sql, byte[] key, Instant now) throws SQLException {
        try (PreparedStatement ps = statements.prepare(connection, sql.text())) {
            if (sql == table.loadPrevious) {
                ps.setBytes(sql.at("previousKey"), key);
                setInstant(ps, sql.at("graceNow"), now);
            } else {
                ps.setBytes(sql.at("key"), key);
            }
            setInstant(ps, sql.at("now"), now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rows.read(rs) : Optional.empty();
            }
        }
    }

    /** One primary-key lookup; an active row past its expiry is {@link SessionStatus#EXPIRED}. */
    @Override
    public Optional<SessionStatus> statusOf(LookupKey key, Instant now) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(now, "now");
        checkOpen();
        Sql sql = table.statusOf;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement ps = statements.prepare(connection, sql.text())) {
            bindKey(ps, sql, key, now);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                SessionStatus status = SessionStatus.fromCode(rs.getString(1));
                boolean expired = !rs.getObject(2, OffsetDateTime.class).toInstant().isAfter(now);
                return Optional.of(status == SessionStatus.ACTIVE && expired ? SessionStatus.EXPIRED : status);
            }
        } catch (SQLException e) {
            throw failure(sql, e);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // a status this version does not know: nothing it can say
        }
    }

    @Override
    public boolean create(SessionData session) {
        Objects.requireNonNull(session, "session");
        checkOpen();
        SessionJson.validate(session);
        Sql sql = table.create;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement ps = statements.prepare(connection, sql.text())) {
            ps.setBytes(sql.at("key"), SessionRows.keyBytes(session.key()));
            ps.setString(sql.at("data"), SessionJson.writeAttributes(session.attributes()));
            ps.setString(sql.at("principal"), session.principal());
            setInstant(ps, sql.at("createdAt"), session.createdAt());
            setInstant(ps, sql.at("lastAccessedAt"), session.lastAccessedAt());
            setInstant(ps, sql.at("idleExpiresAt"), session.idleExpiresAt());
            setInstant(ps, sql.at("absoluteExpiresAt"), session.absoluteExpiresAt());
            ps.setLong(sql.at("idleTimeoutMs"), session.idleTimeout().toMillis());
            ps.setString(sql.at("ip"), SessionJson.clientText(session.ip()));
            ps.setString(sql.at("userAgent"), SessionJson.clientText(session.userAgent()));
            ps.setString(sql.at("status"), session.status().code());
            ps.setLong(sql.at("version"), session.version());
            setInstant(ps, sql.at("keyIssuedAt"), session.keyIssuedAt());
            // the sweep's first look at the session: its expiry as created
            setInstant(ps, sql.at("sweepAt"), session.expiresAt());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    @Override
    public Optional<SessionData> apply(LookupKey key, SessionDelta delta, Instant now) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(delta, "delta");
        Objects.requireNonNull(now, "now");
        checkOpen();
        DeltaBinding binding = DeltaBinding.of(delta);
        Sql sql = binding.incrementOnly() != null ? table.applyIncrement
                : !binding.mergesAttributes() ? table.applyMeta
                : binding.readsStoredData() ? table.applyMerge : table.applyReplace;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement ps = statements.prepare(connection, sql.text())) {
            binding.bind(connection, ps, sql);
            bindKey(ps, sql, key, now);
            setInstant(ps, sql.at("now"), now);
            return single(ps);
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    @Override
    public Optional<SessionData> changeKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant now) {
        Objects.requireNonNull(oldKey, "oldKey");
        Objects.requireNonNull(newKey, "newKey");
        Objects.requireNonNull(delta, "delta");
        Objects.requireNonNull(now, "now");
        checkOpen();
        if (oldKey.equals(newKey)) {
            // the new key is taken: by this very session
            return Optional.empty();
        }
        DeltaBinding binding = DeltaBinding.of(delta);
        Sql sql = !binding.mergesAttributes() ? table.changeKeyMeta
                : binding.readsStoredData() ? table.changeKeyMerge : table.changeKeyReplace;
        byte[] target = SessionRows.keyBytes(newKey);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement ps = statements.prepare(connection, sql.text())) {
            binding.bind(connection, ps, sql);
            bindKey(ps, sql, oldKey, now);
            ps.setBytes(sql.at("newKey"), target);
            ps.setBytes(sql.at("newKeyTaken"), target);
            setInstant(ps, sql.at("keyIssuedAt"), now);
            setInstant(ps, sql.at("now"), now);
            return announcedMove(oldKey, single(ps));
        } catch (SQLException e) {
            if (SqlFailures.isUniqueViolation(e)) {
                // a concurrent create or change took the key after the NOT EXISTS check
                LOG.debug("[{}] changeKey lost a race for key {}…", table.qualifiedName(), newKey.prefix());
                return Optional.empty();
            }
            throw failure(sql, e);
        }
    }

    /**
     * One {@code UPDATE} like {@code changeKey}'s that also moves the old key to
     * {@code previous_key} until {@code graceUntil}; it matches the current key only, so of
     * concurrent renewals the first to lock the row wins and the others find no row.
     */
    @Override
    public Optional<SessionData> renewKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant graceUntil,
            Instant now) {
        Objects.requireNonNull(oldKey, "oldKey");
        Objects.requireNonNull(newKey, "newKey");
        Objects.requireNonNull(delta, "delta");
        SessionStore.requireGrace(graceUntil, now);
        checkOpen();
        DeltaBinding binding = DeltaBinding.of(delta);
        if (oldKey.equals(newKey)) {
            return Optional.empty();
        }
        Sql sql = !binding.mergesAttributes() ? table.renewKeyMeta
                : binding.readsStoredData() ? table.renewKeyMerge : table.renewKeyReplace;
        byte[] target = SessionRows.keyBytes(newKey);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement ps = statements.prepare(connection, sql.text())) {
            binding.bind(connection, ps, sql);
            ps.setBytes(sql.at("key"), SessionRows.keyBytes(oldKey));
            ps.setBytes(sql.at("newKey"), target);
            ps.setBytes(sql.at("newKeyTaken"), target);
            setInstant(ps, sql.at("graceUntil"), graceUntil);
            setInstant(ps, sql.at("keyIssuedAt"), now);
            setInstant(ps, sql.at("now"), now);
            return announcedMove(oldKey, single(ps));
        } catch (SQLException e) {
            if (SqlFailures.isUniqueViolation(e)) {
                LOG.debug("[{}] renewKey lost a race for key {}…", table.qualifiedName(), newKey.prefix());
                return Optional.empty();
            }
            throw failure(sql, e);
        }
    }

    /** Binds the key of {@link SessionTable}'s by-key condition: current key, or previous key in its grace. */
    private static void bindKey(PreparedStatement ps, Sql sql, LookupKey key, Instant now) throws SQLException {
        byte[] bytes = SessionRows.keyBytes(key);
        ps.setBytes(sql.at("key"), bytes);
        ps.setBytes(sql.at("previousKey"), bytes);
        setInstant(ps, sql.at("graceNow"), now);
    }

    /**
     * In {@code write-behind} mode (the default) queues the touch and returns {@code true} without
     * a database call: the queue writes it with others in one statement, within the flush
     * interval, with the guards of the single {@code UPDATE} (see {@link SessionStore#touch}). In
     * {@code sync} mode, one {@code UPDATE}, and whether it found a live session.
     */
    @Override
    public boolean touch(LookupKey key, Touch touch, Instant now) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(touch, "touch");
        Objects.requireNonNull(now, "now");
        checkOpen();
        if (touches != null) {
            touches.add(key, touch, now);
            return true;
        }
        Sql sql = table.touch;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement ps = statements.prepare(connection, sql.text())) {
            setInstant(ps, sql.at("lastAccessedAt"), touch.lastAccessedAt());
            setInstant(ps, sql.at("idleExpiresAt"), touch.idleExpiresAt());
            bindKey(ps, sql, key, now);
            setInstant(ps, sql.at("now"), now);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /**
     * Writes the queued touches (write-behind mode), after a batch the queue's thread may have in
     * flight, in batches of {@link PostgresStoreSettings#touchBatchSize()}, then sends the queued
     * announcements of ended and moved sessions (with events on).
     *
     * @throws StoreUnavailableException when a batch fails (it and the rest stay queued)
     */
    @Override
    public void flush() {
        checkOpen();
        try {
            if (touches != null) {
                touches.flush();
            }
        } finally {
            if (announcer != null) {
                announcer.flush();
            }
        }
    }

    /**
     * One batch of queued touches in one {@code UPDATE}, the keys bound as one {@code bytea[]} and the
     * times as three {@code timestamptz[]}, sorted by key so that two instances flushing the same
     * sessions tend to lock them in one order.
     */
    private int writeTouches(List<TouchQueue.Entry> batch) throws SQLException {
        List<TouchQueue.Entry> sorted = new ArrayList<>(batch);
        sorted.sort(java.util.Comparator.comparing(entry -> entry.key().value()));
        int size = sorted.size();
        byte[][] keys = new byte[size][];
        String[] lastAccessedAts = new String[size];
        String[] idleExpiresAts = new String[size];
        String[] nows = new String[size];
        for (int i = 0; i < size; i++) {
            TouchQueue.Entry entry = sorted.get(i);
            keys[i] = SessionRows.keyBytes(entry.key());
            lastAccessedAts[i] = entry.lastAccessedAt().toString();
            idleExpiresAts[i] = entry.idleExpiresAt().toString();
            nows[i] = entry.now().toString();
        }
        Sql sql = table.touchBatch;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement ps = statements.prepare(connection, sql.text())) {
            ps.setArray(sql.at("keys"), connection.createArrayOf("bytea", keys));
            ps.setArray(sql.at("lastAccessedAts"), connection.createArrayOf("timestamptz", lastAccessedAts));
            ps.setArray(sql.at("idleExpiresAts"), connection.createArrayOf("timestamptz", idleExpiresAts));
            ps.setArray(sql.at("nows"), connection.createArrayOf("timestamptz", nows));
            return ps.executeUpdate();
        }
    }

    @Override
    public boolean end(LookupKey key, SessionStatus reason, Instant now) {
        Objects.requireNonNull(key, "key");
        SessionStore.requireEndReason(reason);
        Objects.requireNonNull(now, "now");
        checkOpen();
        Sql sql = table.end;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement ps = statements.prepare(connection, sql.text())) {
            ps.setString(sql.at("status"), reason.code());
            setInstant(ps, sql.at("loggedOutAt"), now);
            bindKey(ps, sql, key, now);
            setInstant(ps, sql.at("now"), now);
            return announced(reason, executeEnding(ps)) == 1;
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    @Override
    public List<SessionData> findByPrincipal(String principal, Instant now) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(now, "now");
        checkOpen();
        if (!SessionJson.isStorable(principal)) {
            return List.of();
        }
        Sql sql = table.findByPrincipal;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement ps = statements.prepare(connection, sql.text())) {
            ps.setString(sql.at("principal"), principal);
            setInstant(ps, sql.at("now"), now);
            return list(ps);
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /** One {@code UPDATE}. */
    @Override
    public int endOthersByPrincipal(String principal, LookupKey keep, SessionStatus reason, Instant now) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(keep, "keep");
        SessionStore.requireEndReason(reason);
        Objects.requireNonNull(now, "now");
        checkOpen();
        if (!SessionJson.isStorable(principal)) {
            return 0;
        }
        Sql sql = table.endOthersByPrincipal;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement ps = statements.prepare(connection, sql.text())) {
            ps.setString(sql.at("status"), reason.code());
            setInstant(ps, sql.at("loggedOutAt"), now);
            ps.setString(sql.at("principal"), principal);
            ps.setBytes(sql.at("keep"), SessionRows.keyBytes(keep));
            setInstant(ps, sql.at("now"), now);
            return announced(reason, executeEnding(ps));
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /**
     * One transaction: {@code pg_advisory_xact_lock} keyed by the principal, then one
     * {@code UPDATE … RETURNING} (replace) or one count and at most one {@code UPDATE} (refuse),
     * then the commit, which releases the lock. Four round trips, on logins only.
     */
    @Override
    public List<LookupKey> limitPrincipal(String principal, LookupKey current, int max, SessionLimitMode mode,
            Instant now) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(current, "current");
        SessionStore.requireLimit(max);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(now, "now");
        checkOpen();
        if (!SessionJson.isStorable(principal)) {
            return List.of();
        }
        Sql sql = table.lockPrincipal;
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (StatementOptions.Restore unnamed = statements.unnamedTransactionCommands(connection)) {
                try (PreparedStatement lock = statements.prepare(connection, sql.text())) {
                    lock.setInt(sql.at("lockClass"), PRINCIPAL_LOCK_CLASS);
                    lock.setString(sql.at("principal"), principal);
                    lock.execute();
                }
                List<LookupKey> ended = mode == SessionLimitMode.REPLACE_OLDEST
                        ? replaceOldest(connection, principal, current, max, now)
                        : refuseNew(connection, principal, current, max, now);
                connection.commit();
                if (announcer != null) {
                    announcer.ended(mode == SessionLimitMode.REPLACE_OLDEST ? SessionStatus.REPLACED
                            : SessionStatus.REVOKED, ended);
                }
                return ended;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    private List<LookupKey> replaceOldest(Connection connection, String principal, LookupKey current, int max,
            Instant now) throws SQLException {
        Sql sql = table.replaceOldest;
        List<Map.Entry<Instant, LookupKey>> ended = new ArrayList<>();
        try (PreparedStatement ps = statements.prepare(connection, sql.text())) {
            setInstant(ps, sql.at("loggedOutAt"), now);
            ps.setString(sql.at("principal"), principal);
            ps.setBytes(sql.at("current"), SessionRows.keyBytes(current));
            setInstant(ps, sql.at("now"), now);
            ps.setInt(sql.at("max"), max);
            ps.setBytes(sql.at("currentLive"), SessionRows.keyBytes(current));
            setInstant(ps, sql.at("nowCurrent"), now);
            setInstant(ps, sql.at("nowAgain"), now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ended.add(Map.entry(rs.getObject(2, OffsetDateTime.class).toInstant(), SessionRows.key(rs.getBytes(1))));
                }
            }
        }
        ended.sort(Map.Entry.comparingByKey());
        return ended.stream().map(Map.Entry::getValue).toList();
    }

    private List<LookupKey> refuseNew(Connection connection, String principal, LookupKey current, int max,
            Instant now) throws SQLException {
        Sql count = table.countOthers;
        long others;
        try (PreparedStatement ps = statements.prepare(connection, count.text())) {
            ps.setString(count.at("principal"), principal);
            ps.setBytes(count.at("current"), SessionRows.keyBytes(current));
            setInstant(ps, count.at("now"), now);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                others = rs.getLong(1);
            }
        }
        if (others < max) {
            return List.of();
        }
        Sql end = table.end;
        try (PreparedStatement ps = statements.prepare(connection, end.text())) {
            ps.setString(end.at("status"), SessionStatus.REVOKED.code());
            setInstant(ps, end.at("loggedOutAt"), now);
            bindKey(ps, end, current, now);
            setInstant(ps, end.at("now"), now);
            return executeEnding(ps).count() == 1 ? List.of(current) : List.of();
        }
    }

    @Override
    public int endByPrincipal(String principal, SessionStatus reason, Instant now) {
        Objects.requireNonNull(principal, "principal");
        SessionStore.requireEndReason(reason);
        Objects.requireNonNull(now, "now");
        checkOpen();
        if (!SessionJson.isStorable(principal)) {
            return 0;
        }
        Sql sql = table.endByPrincipal;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement ps = statements.prepare(connection, sql.text())) {
            ps.setString(sql.at("status"), reason.code());
            setInstant(ps, sql.at("loggedOutAt"), now);
            ps.setString(sql.at("principal"), principal);
            setInstant(ps, sql.at("now"), now);
            return announced(reason, executeEnding(ps));
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    @Override
    public List<SessionData> findLive(Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        SessionStore.requireLimit(limit);
        checkOpen();
        Sql sql = table.findLive;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement ps = statements.prepare(connection, sql.text())) {
            setInstant(ps, sql.at("now"), now);
            ps.setInt(sql.at("limit"), limit);
            return list(ps);
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /**
     * One statement per batch of due rows ({@code sweep_at <= now}): it deletes the expired ones
     * and moves the others' {@code sweep_at} up to their expiry. Rows moved are not returned, so
     * while a batch moved some and more rows are due, another batch of the rest of {@code limit}
     * follows on the same connection (each its own transaction), until {@code limit} keys are found,
     * the due rows run out or a batch gets nowhere (all its rows locked by other sweepers); a
     * caller that loops until a short answer therefore never stops while expired sessions are
     * left behind moved ones.
     */
    @Override
    public List<LookupKey> purgeExpired(Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        SessionStore.requireLimit(limit);
        checkOpen();
        Sql sql = table.purge;
        try (Connection connection = dataSource.getConnection()) {
            List<LookupKey> keys = new ArrayList<>();
            // audit rows are not returned, so the caller's loop does not see them: the first batch of
            // a call takes a larger batch of them, so they keep pace even when few sessions expire
            int auditLimit = (int) Math.min(Integer.MAX_VALUE, limit * (long) AUDIT_BATCH_FACTOR);
            int batches = 0;
            long movedTotal = 0;
            while (true) {
                int want = limit - keys.size();
                long due = 0;
                long moved = 0;
                int found = 0;
                // a statement per batch: the statement timeout is per statement (StatementOptions)
                try (PreparedStatement ps = statements.prepare(connection, sql.text())) {
                    setInstant(ps, sql.at("now"), now);
                    setInstant(ps, sql.at("nowDue"), now);
                    setInstant(ps, sql.at("nowAgain"), now);
                    setInstant(ps, sql.at("nowDueLive"), now);
                    setInstant(ps, sql.at("nowLive"), now);
                    setInstant(ps, sql.at("nowLiveAgain"), now);
                    ps.setInt(sql.at("limit"), want);
                    setInstant(ps, sql.at("auditCutoff"), now.minus(auditRetention));
                    ps.setInt(sql.at("auditLimit"), batches == 0 ? auditLimit : 0);
                    if (table.notifying()) {
                        ps.setString(sql.at("origin"), origin);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            byte[] key = rs.getBytes(1);
                            if (key != null) {
                                keys.add(SessionRows.key(key));
                                found++;
                            } else {
                                due = rs.getLong(2);
                                moved = rs.getLong(3);
                            }
                        }
                    }
                }
                batches++;
                movedTotal += moved;
                if (due < want || found + moved == 0 || keys.size() >= limit) {
                    break;
                }
            }
            if (!keys.isEmpty() || movedTotal > 0) {
                LOG.debug("[{}] purged {} expired sessions, moved the sweep time of {} live ones, in {} statements",
                        table.qualifiedName(), keys.size(), movedTotal, batches);
            }
            return keys;
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    @Override
    public SessionStats stats(Instant now) {
        Objects.requireNonNull(now, "now");
        checkOpen();
        Sql sql = table.stats;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement ps = statements.prepare(connection, sql.text())) {
            setInstant(ps, sql.at("nowLive"), now);
            setInstant(ps, sql.at("nowExpired"), now);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new SessionStats(rs.getLong(1), rs.getLong(2), rs.getLong(3));
            }
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /**
     * Hears what other instances on the same table announce (ended and moved sessions), through
     * one dedicated connection that {@code LISTEN}s on the table's channel, opened with the first
     * subscriber and closed with the last. Without {@code SESSION_DB_EVENTS} (or behind
     * {@code pgbouncer=true} without {@code SESSION_DB_LISTEN_URL}) nothing is delivered.
     */
    @Override
    public synchronized AutoCloseable subscribe(StoreEvents events) {
        Objects.requireNonNull(events, "events");
        checkOpen();
        if (feedConnector == null) {
            return () -> {
            };
        }
        if (feed == null) {
            feed = new EventFeed(table.qualifiedName(), table.channel(), origin, feedConnector, clock);
            feed.add(events);
            feed.start();
        } else {
            feed.add(events);
        }
        EventFeed subscribed = feed;
        return () -> unsubscribe(subscribed, events);
    }

    private synchronized void unsubscribe(EventFeed from, StoreEvents events) {
        if (feed == from && from.remove(events)) {
            from.close();
            feed = null;
        }
    }

    /** The write-behind queue's counters, or empty in {@code sync} mode (tests). */
    Optional<TouchQueue.Counts> touchCounts() {
        return touches == null ? Optional.empty() : Optional.of(touches.counts());
    }

    /** The announcer's counters, or empty with events off (tests). */
    Optional<EventAnnouncer.Counts> announcerCounts() {
        return announcer == null ? Optional.empty() : Optional.of(announcer.counts());
    }

    /** Whether the event feed is listening now (tests). */
    synchronized boolean feedListening() {
        return feed != null && feed.listening();
    }

    /**
     * The pool this store built ({@link HikariDataSource}, also as a {@link DataSource}), and in
     * write-behind mode the {@link TouchQueueCounters} of its touch queue, for metrics.
     */
    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        Objects.requireNonNull(type, "type");
        if (ownedPool != null && type.isInstance(ownedPool)) {
            return Optional.of(type.cast(ownedPool));
        }
        if (touches != null && type == TouchQueueCounters.class) {
            return Optional.of(type.cast(touchCounters));
        }
        return Optional.empty();
    }

    /**
     * Writes the queued touches (write-behind mode: batch by batch, stopping at the first failure,
     * each batch bounded by the statement timeout; what cannot be written is dropped and counted),
     * then closes the event feed and the pool this store built; a {@link DataSource} handed in stays
     * open, but this store refuses work on it from now on, as on its own pool. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (touches != null) {
            // before the pool closes: what is queued is written (stopping at the first failure)
            touches.close();
        }
        if (announcer != null) {
            // before the pool closes: what is queued is announced (once; what fails is dropped and logged)
            announcer.close();
        }
        synchronized (this) {
            if (feed != null) {
                feed.close();
                feed = null;
            }
        }
        if (ownedPool != null) {
            ownedPool.close();
            LOG.info("[{}] postgres session store closed its pool", table.qualifiedName());
        }
    }

    /** What a statement that ends sessions ended: how many, and their keys when it returns them. */
    private record Ended(int count, List<LookupKey> keys) {
    }

    /** Runs a statement that ends sessions (returning their keys when this store announces). */
    private Ended executeEnding(PreparedStatement ps) throws SQLException {
        if (!table.notifying()) {
            return new Ended(ps.executeUpdate(), List.of());
        }
        List<LookupKey> keys = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                keys.add(SessionRows.key(rs.getBytes(1)));
            }
        }
        return new Ended(keys.size(), keys);
    }

    /** Queues the announcement of what an auto-committed statement ended; returns how many it ended. */
    private int announced(SessionStatus reason, Ended ended) {
        if (announcer != null) {
            announcer.ended(reason, ended.keys());
        }
        return ended.count();
    }

    /** Queues the announcement of an auto-committed move; returns the moved row as it is. */
    private Optional<SessionData> announcedMove(LookupKey oldKey, Optional<SessionData> moved) {
        if (announcer != null && moved.isPresent()) {
            // the old key is the one the caller named (it may be the session's previous key)
            announcer.moved(oldKey, moved.get().key());
        }
        return moved;
    }

    /** {@link EventAnnouncer}'s sender: one statement on a connection of the pool. */
    private void sendAnnouncements(List<String> payloads) throws SQLException {
        Sql sql = table.announce;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement ps = statements.prepare(connection, sql.text())) {
            ps.setArray(sql.at("payloads"), connection.createArrayOf("text", payloads.toArray(String[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // one row per notification sent
                }
            }
        }
    }

    @Override
    public String toString() {
        return "PostgresSessionStore[" + table.qualifiedName() + (ownedPool != null ? ", own pool" : ", given DataSource")
                + "]";
    }

    // ---------------------------------------------------------------- helpers

    private Optional<SessionData> single(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rows.read(rs) : Optional.empty();
        }
    }

    private List<SessionData> list(PreparedStatement ps) throws SQLException {
        List<SessionData> sessions = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.read(rs).ifPresent(sessions::add);
            }
        }
        return sessions;
    }

    private StoreUnavailableException failure(Sql sql, SQLException e) {
        StoreUnavailableException failure = SqlFailures.unavailable(sql.name(), e);
        LOG.debug("[{}] {}", table.qualifiedName(), failure.getMessage());
        return failure;
    }

    /**
     * Binds an instant as {@code timestamptz}; null as a NULL of that type. Not
     * {@code setNull(position, Types.TIMESTAMP_WITH_TIMEZONE)}: pgjdbc sends that NULL untyped, and
     * for an untyped parameter of a named statement returning text, jsonb or bytea it describes the
     * statement and waits for the answer before every execution, a second network round trip for
     * one statement (docs/benchmarks.md; {@code StatementCountTest} counts them at the socket).
     */
    static void setInstant(PreparedStatement ps, int position, Instant instant) throws SQLException {
        if (instant == null) {
            ps.setObject(position, typedNull("timestamptz"));
        } else {
            ps.setObject(position, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
        }
    }



    /** A NULL that pgjdbc binds with the type's OID (its value is null: never set). */
    private static PGobject typedNull(String type) {
        PGobject value = new PGobject();
        value.setType(type);
        return value;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the postgres session store on " + table.qualifiedName() + " is closed");
        }
    }

    /**
     * A delta made ready to bind, checked before anything is sent. Increments of keys that the
     * delta also sets or removes are folded into the set values here (their base is known), so the
     * SQL can read the base of every other increment from the stored data.
     */
    private record DeltaBinding(SessionDelta delta, String[] removed, String set, ObjectNode increments,
            Map.Entry<String, Long> incrementOnly) {

        static DeltaBinding of(SessionDelta delta) {
            SessionJson.validate(delta);
            if (!delta.changesAttributes()) {
                return new DeltaBinding(delta, NO_KEYS, EMPTY_OBJECT, JsonNodeFactory.instance.objectNode(), null);
            }
            Map<String, JsonNode> set = delta.set();
            Map<String, JsonNode> folded = new HashMap<>(set);
            ObjectNode increments = JsonNodeFactory.instance.objectNode();
            delta.increments().forEach((name, by) -> {
                if (set.containsKey(name) || delta.removed().contains(name)) {
                    long base = SessionDelta.integerOrZero(set.get(name));
                    folded.put(name, JsonNodeFactory.instance.numberNode(base + by));
                } else {
                    increments.put(name, by);
                }
            });
            // one increment of a stored value (the common counter): its own, cheaper statement
            Map.Entry<String, Long> only = increments.size() == 1
                    ? Map.entry(increments.fieldNames().next(), increments.elements().next().longValue()) : null;
            return new DeltaBinding(delta, delta.removed().toArray(NO_KEYS), SessionJson.writeAttributes(folded),
                    increments, only);
        }

        boolean mergesAttributes() {
            return delta.changesAttributes();
        }

        /** Whether an increment is left whose base is the stored value (one not folded into the set values). */
        boolean readsStoredData() {
            return !increments.isEmpty();
        }

        void bind(Connection connection, PreparedStatement ps, Sql sql) throws SQLException {
            if (mergesAttributes()) {
                ps.setArray(sql.at("removed"), connection.createArrayOf("text", removed));
                ps.setString(sql.at("set"), set);
                if (incrementOnly != null && sql.has("incBy")) { // SessionTable.applyIncrement
                    for (String use : SessionTable.INCREMENT_NAME_PARAMS) {
                        ps.setString(sql.at(use), incrementOnly.getKey());
                    }
                    ps.setLong(sql.at("incBy"), incrementOnly.getValue());
                } else if (sql.has("increments")) { // written as JSON only for the statements that read it
                    ps.setString(sql.at("increments"), increments.isEmpty() ? EMPTY_OBJECT : SessionJson.write(increments));
                }
            }
            ps.setBoolean(sql.at("principalChanged"), delta.principalChanged());
            ps.setString(sql.at("principal"), delta.principal());
            setInstant(ps, sql.at("absoluteExpiresAt"), delta.absoluteExpiresAt());
            if (delta.idleTimeout() == null) {
                ps.setNull(sql.at("idleTimeoutMs"), Types.BIGINT);
            } else {
                ps.setLong(sql.at("idleTimeoutMs"), delta.idleTimeout().toMillis());
            }
            Touch touch = delta.touch();
            setInstant(ps, sql.at("lastAccessedAt"), touch == null ? null : touch.lastAccessedAt());
            setInstant(ps, sql.at("idleExpiresAt"), touch == null ? null : touch.idleExpiresAt());
            boolean idleReset = delta.idleTimeout() != null && touch != null;
            ps.setBoolean(sql.at("idleReset"), idleReset);
            setInstant(ps, sql.at("idleExpiresAtReset"), idleReset ? touch.idleExpiresAt() : null);
            setInstant(ps, sql.at("sweepAtMost"), earlierOf(delta.absoluteExpiresAt(),
                    idleReset ? touch.idleExpiresAt() : null));
        }

        /** The earlier of two instants, either of which may be null; null when both are. */
        private static Instant earlierOf(Instant a, Instant b) {
            if (a == null) {
                return b;
            }
            return b == null || a.isBefore(b) ? a : b;
        }
    }

    /**
     * Builds a {@link PostgresSessionStore}. Setters check their argument at once and refuse to be
     * called twice; {@link #build()} connects, and creates or checks the table.
     */
    public static final class Builder {

        private PostgresStoreSettings settings;
        private DataSource dataSource;
        private Clock clock;

        private Builder() {
        }

        /**
         * The settings: table, schema, {@code SESSION_SCHEMA_AUTO}, audit retention and, without a
         * {@link #dataSource(DataSource)}, the database URL and pool settings. Default:
         * {@link PostgresStoreSettings#defaults()}.
         *
         * @throws NullPointerException if {@code settings} is null
         * @throws IllegalStateException if called twice
         */
        public Builder settings(PostgresStoreSettings settings) {
            Objects.requireNonNull(settings, "settings");
            if (this.settings != null) {
                throw new IllegalStateException("settings were already set");
            }
            this.settings = settings;
            return this;
        }

        /**
         * The application's own {@link DataSource} (a Spring pool, say), used instead of building a
         * pool from {@code DATABASE_URL}, so one database never gets two pools. The store does not
         * close it. Its connection timeout is the application's: configure one on it. The store's
         * statements get {@link PostgresStoreSettings#statementTimeout()} on it too (a cancel request
         * for a statement still running at its deadline); set that to {@link Duration#ZERO} ({@code SESSION_DB_STATEMENT_TIMEOUT=off})
         * to leave statement timeouts to the application.
         *
         * @throws NullPointerException if {@code dataSource} is null
         * @throws IllegalStateException if called twice
         */
        public Builder dataSource(DataSource dataSource) {
            Objects.requireNonNull(dataSource, "dataSource");
            if (this.dataSource != null) {
                throw new IllegalStateException("a DataSource was already set");
            }
            this.dataSource = dataSource;
            return this;
        }

        /**
         * The clock for the store's own bookkeeping (start-up timing); session times always come
         * from the caller. Default: the system clock in UTC.
         *
         * @throws NullPointerException if {@code clock} is null
         * @throws IllegalStateException if called twice
         */
        public Builder clock(Clock clock) {
            Objects.requireNonNull(clock, "clock");
            if (this.clock != null) {
                throw new IllegalStateException("a clock was already set");
            }
            this.clock = clock;
            return this;
        }

        /**
         * Connects, creates the table when {@link PostgresStoreSettings#schemaAuto()} is on (under an
         * advisory lock) or checks that it exists when it is off, and returns the store.
         *
         * @throws SessionConfigurationException when neither a DataSource nor a database URL is
         *     given, the URL is invalid, or the table is missing or not a sessions table
         * @throws StoreUnavailableException when the database cannot be reached
         */
        public PostgresSessionStore build() {
            PostgresStoreSettings settings = this.settings != null ? this.settings : PostgresStoreSettings.defaults();
            Clock effectiveClock = clock != null ? clock : Clock.systemUTC();
            SessionTable table = new SessionTable(settings.schema(), settings.table(), settings.events());
            StatementOptions statements = StatementOptions.of(settings);
            HikariDataSource pool = null;
            DataSource source = dataSource;
            if (source == null) {
                if (settings.databaseUrl() == null) {
                    throw new SessionConfigurationException(PostgresStoreSettings.DATABASE_URL, "the postgres store needs "
                            + PostgresStoreSettings.DATABASE_URL + " (postgres://user:password@host:5432/database) or a"
                            + " DataSource");
                }
                pool = Pools.create(DatabaseUrl.parse(settings.databaseUrl()), settings);
                source = pool;
            }
            try {
                SchemaMigrator migrator = new SchemaMigrator(table, effectiveClock, statements);
                if (settings.schemaAuto()) {
                    migrator.migrate(source);
                } else {
                    migrator.verify(source);
                }
            } catch (SQLException e) {
                closeQuietly(pool);
                throw SqlFailures.unavailable("open", e);
            } catch (RuntimeException e) {
                closeQuietly(pool);
                throw e;
            }
            LOG.info("[{}] postgres session store ready ({})", table.qualifiedName(),
                    pool != null ? "pool " + pool.getPoolName() + " of " + pool.getMaximumPoolSize() + " connections"
                            : "application DataSource");
            EventFeed.Connector connector = settings.events() ? feedConnector(settings, dataSource, table) : null;
            return new PostgresSessionStore(table, source, pool, settings.auditRetention(), statements, connector,
                    effectiveClock, settings);
        }

        /**
         * Where the event feed listens: {@code SESSION_DB_LISTEN_URL}; else a connection of the
         * application's {@code DataSource}, held for as long as the feed runs; else
         * {@code DATABASE_URL}, unless that goes through pgbouncer, where {@code LISTEN} cannot work.
         */
        private static EventFeed.Connector feedConnector(PostgresStoreSettings settings, DataSource given,
                SessionTable table) {
            if (settings.listenUrl() != null) {
                return direct(DatabaseUrl.parse(settings.listenUrl()), settings);
            }
            if (given != null) {
                return given::getConnection;
            }
            if (PoolerUrl.saysPgbouncer(settings.databaseUrl())) {
                LOG.warn("[{}] events of other instances will not be heard: LISTEN does not work through pgbouncer's"
                        + " transaction mode. Set {} to a direct URL of the same database, or {}=false to say you"
                        + " know.", table.qualifiedName(), PostgresStoreSettings.SESSION_DB_LISTEN_URL,
                        PostgresStoreSettings.SESSION_DB_EVENTS);
                return null;
            }
            return direct(DatabaseUrl.parse(settings.databaseUrl()), settings);
        }

        /** A plain driver connection, outside any pool. */
        private static EventFeed.Connector direct(DatabaseUrl url, PostgresStoreSettings settings) {
            java.util.Properties properties = new java.util.Properties();
            url.properties().forEach((name, value) -> {
                if (!name.equalsIgnoreCase(PoolerUrl.PGBOUNCER)) {
                    properties.setProperty(name, value);
                }
            });
            if (url.user() != null) {
                properties.setProperty("user", url.user());
            }
            if (url.password() != null) {
                properties.setProperty("password", url.password());
            }
            String seconds = Long.toString(Math.max(1, (settings.connectTimeout().toMillis() + 999) / 1000));
            properties.putIfAbsent("connectTimeout", seconds);
            properties.putIfAbsent("loginTimeout", seconds);
            properties.setProperty("tcpKeepAlive", "true");
            properties.setProperty("ApplicationName", "sessionkit-events");
            properties.setProperty("logServerErrorDetail", "false");
            String jdbcUrl = PoolerUrl.withoutFlag(url.jdbcUrl());
            org.postgresql.Driver driver = new org.postgresql.Driver();
            return () -> {
                Connection connection = driver.connect(jdbcUrl, properties);
                if (connection == null) {
                    throw new SQLException("the PostgreSQL driver does not take this URL", "08001");
                }
                return connection;
            };
        }

        private static void closeQuietly(HikariDataSource pool) {
            if (pool != null) {
                pool.close();
            }
        }
    }

    /** The pool this store builds when no DataSource is given. */
    static final class Pools {

        private Pools() {
        }

        static HikariDataSource create(DatabaseUrl url, PostgresStoreSettings settings) {
            HikariConfig config = new HikariConfig();
            config.setPoolName("sessionkit");
            config.setJdbcUrl(PoolerUrl.withoutFlag(url.jdbcUrl()));
            if (url.user() != null) {
                config.setUsername(url.user());
            }
            if (url.password() != null) {
                config.setPassword(url.password());
            }
            long connectMillis = settings.connectTimeout().toMillis();
            long statementMillis = settings.statementTimeout().toMillis();
            config.setMaximumPoolSize(settings.poolSize());
            config.setConnectionTimeout(connectMillis);
            config.setValidationTimeout(Math.min(connectMillis, 1_000));
            // the store checks the database itself and reports StoreUnavailableException
            config.setInitializationFailTimeout(-1);
            url.properties().forEach((name, value) -> {
                if (!name.equalsIgnoreCase(PoolerUrl.PGBOUNCER)) {
                    config.addDataSourceProperty(name, value);
                }
            });
            Map<String, String> defaults = new HashMap<>();
            defaults.put("connectTimeout", Long.toString(ceilSeconds(connectMillis)));
            defaults.put("loginTimeout", Long.toString(ceilSeconds(connectMillis)));
            if (statementMillis > 0) {
                // a safety net for a vanished host, which the cancel request cannot reach either
                defaults.put("socketTimeout", Long.toString(ceilSeconds(statementMillis + connectMillis)));
            }
            defaults.put("tcpKeepAlive", "true");
            defaults.put("ApplicationName", "sessionkit");
            // server messages can quote bound values; keep them out of exceptions
            defaults.put("logServerErrorDetail", "false");
            if (!settings.preparedStatements()) {
                String threshold = url.properties().get("prepareThreshold");
                if (threshold != null && !threshold.trim().equals("0")) {
                    throw new SessionConfigurationException(PostgresStoreSettings.SESSION_DB_PREPARED_STATEMENTS,
                            "named prepared statements are off (" + PostgresStoreSettings.SESSION_DB_PREPARED_STATEMENTS
                                    + "=false or pgbouncer=true) but " + PostgresStoreSettings.DATABASE_URL
                                    + " sets prepareThreshold=" + threshold + "; drop it or set it to 0");
                }
                // unnamed statements only: a transaction-mode pooler may run each on another server
                defaults.put("prepareThreshold", "0");
            }
            defaults.forEach((name, value) -> {
                if (!url.properties().containsKey(name)) {
                    config.addDataSourceProperty(name, value);
                }
            });
            // no start-up "options": pgbouncer refuses them; the statement timeout is per statement
            return new HikariDataSource(config);
        }

        private static long ceilSeconds(long millis) {
            return Math.max(1, (millis + 999) / 1000);
        }
    }
}
