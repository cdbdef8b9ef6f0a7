package dev.sessionkit.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionJson;
import dev.sessionkit.SessionLimitMode;
import dev.sessionkit.SessionStats;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.SessionStore;
import dev.sessionkit.Touch;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SessionStore} in the JVM's memory, on a Caffeine cache: the development default, and a
 * fine store for a single instance that may lose its sessions on restart.
 *
 * <ul>
 *   <li><b>Same data as PostgreSQL.</b> Attributes are kept as the JSON text
 *       {@link SessionJson#writeAttributes(Map)} writes, parsed back once per write, so a value that
 *       cannot be stored or read back fails here exactly as it would in production, and loads
 *       return the parsed form (shared, read-only trees) without parsing again.
 *   <li><b>Expiry.</b> Each entry expires in Caffeine at its session's earlier expiry, measured by
 *       the store's {@link Clock}. That only frees memory: every operation also checks liveness
 *       against the {@code now} it is given. Sessions Caffeine drops on expiry are still reported
 *       by {@link #purgeExpired(Instant, int)}, so expiry events do not depend on the store.
 *   <li><b>Capacity.</b> {@link Builder#maximumSize(long)} bounds the anonymous sessions (those
 *       with no principal): beyond it Caffeine drops the anonymous ones it judges least likely to be
 *       used again (close to least recently used, as writes tell it: reads are not recorded, and a
 *       session in use is written at least once per touch interval), and the store logs a WARN line with counts, at
 *       most once a minute. Signed-in sessions are never dropped for room, so anonymous traffic
 *       (500 cookieless requests that set an attribute, against a capacity of 500) cannot log
 *       anybody out; they leave when they expire or end, and their number is bounded by the logins
 *       that created them. A session that signs in stops counting, one that signs out counts again.
 *       Refusing new anonymous sessions when full was not chosen: it would let the same flood
 *       stop every new visitor from reaching a login form that needs a session.
 *   <li><b>Atomicity.</b> Every write of one session is one {@code compute} on its key.
 *       {@link #changeKey} and {@link #renewKey} remove the old key and then file the new one; in
 *       between (two map operations), the session is under neither key, which concurrent requests
 *       of that session see as "no session".
 *   <li><b>Previous keys.</b> A renewed entry remembers its previous key and grace; a side map from
 *       previous to current key finds it, and is checked against the entry, so a stale mapping
 *       (the session ended or was renewed again) never resolves. Stale mappings are dropped when
 *       the session ends or moves, and by {@link #purgeExpired}.
 *   <li><b>Ending.</b> {@link #end} removes the session: the memory store keeps no audit trail.
 * </ul>
 *
 * <p>Thread-safe. After {@link #close()} every operation but {@code close} and {@link #name()}
 * throws {@link IllegalStateException}, {@link #ping()} included.
 */
public final class CaffeineSessionStore implements SessionStore {

    private static final Logger LOG = LoggerFactory.getLogger(CaffeineSessionStore.class);
    private static final Comparator<SessionData> OLDEST_FIRST =
            Comparator.comparing(SessionData::createdAt).thenComparing(s -> s.key().value());
    private static final Comparator<Map.Entry<LookupKey, StoredSession>> ENTRY_OLDEST_FIRST =
            Comparator.<Map.Entry<LookupKey, StoredSession>, Instant>comparing(e -> e.getValue().header().createdAt())
                    .thenComparing(e -> e.getKey().value());
    private static final int MAX_RECLAIMED = 100_000;

    private final long maximumSize;
    private final Cache<LookupKey, StoredSession> cache;
    private final Policy<LookupKey, StoredSession> policy;
    private final ConcurrentMap<LookupKey, StoredSession> map;
    private final PrincipalIndex index = new PrincipalIndex();
    /** Serialise the per-user limit of one principal's logins (stripes, so principals rarely wait on each other). */
    private final Object[] principalLocks = newLocks(64);
    /** Previous key of a renewed session to its current key; see {@link #resolve}. */
    private final ConcurrentMap<LookupKey, LookupKey> previousKeys = new java.util.concurrent.ConcurrentHashMap<>();
    private final ReclaimedKeys reclaimed;
    private final EvictionReporter evictions;
    private final AtomicBoolean closed = new AtomicBoolean();

    private CaffeineSessionStore(Builder builder) {
        Clock clock = builder.clock != null ? builder.clock : Clock.systemUTC();
        this.maximumSize = builder.maximumSize > 0 ? builder.maximumSize : Builder.DEFAULT_MAXIMUM_SIZE;
        this.reclaimed = new ReclaimedKeys((int) Math.min(maximumSize, MAX_RECLAIMED));
        this.evictions = new EvictionReporter(clock, maximumSize);
        ClockTicker ticker = new ClockTicker(clock);
        this.cache = Caffeine.newBuilder()
                // Signed-in sessions weigh nothing, so room is only ever made by dropping anonymous
                // ones: a flood of cookieless requests cannot log anybody out.
                .maximumWeight(maximumSize)
                .weigher((LookupKey key, StoredSession session) -> session.principal() == null ? 1 : 0)
                .expireAfter(new SessionExpiry(ticker))
                .ticker(ticker)
                // Maintenance on the calling thread: no background work, and the listener's index
                // updates happen before the write that caused them returns.
                .executor(Runnable::run)
                .evictionListener(this::onEviction)
                .build();
        this.map = cache.asMap();
        this.policy = cache.policy();
    }

    /** A builder with the default capacity and the system clock. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A store sized by {@link MemoryStoreSettings#maxSessions()}.
     *
     * @throws NullPointerException if an argument is null
     */
    public static CaffeineSessionStore create(MemoryStoreSettings settings, Clock clock) {
        return builder().maximumSize(settings.maxSessions()).clock(clock).build();
    }

    /** Runs inside Caffeine's removal of the entry, so the index changes under the key's lock. */
    private void onEviction(LookupKey key, StoredSession value, RemovalCause cause) {
        if (key == null || value == null) {
            return;
        }
        index.remove(value.principal(), key);
        if (cause == RemovalCause.EXPIRED) {
            reclaimed.add(key, value.expiresAt());
        } else if (cause == RemovalCause.SIZE) {
            evictions.evicted();
        }
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Optional<SessionData> load(LookupKey key, Instant now) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(now, "now");
        checkOpen();
        LookupKey current = resolve(key, now);
        StoredSession stored = peek(current);
        if (stored == null || !stored.isLive(now)) {
            return Optional.empty();
        }
        return read(current, stored);
    }

    /** Ended sessions are not kept, so this tells only live from expired-but-not-yet-purged. */
    @Override
    public Optional<SessionStatus> statusOf(LookupKey key, Instant now) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(now, "now");
        checkOpen();
        StoredSession stored = peek(resolve(key, now));
        if (stored == null) {
            return Optional.empty();
        }
        return Optional.of(stored.isLive(now) ? SessionStatus.ACTIVE : SessionStatus.EXPIRED);
    }

    @Override
    public boolean create(SessionData session) {
        Objects.requireNonNull(session, "session");
        checkOpen();
        SessionJson.validate(session);
        StoredSession stored = StoredSession.of(withCleanClient(session));
        boolean[] created = {false};
        map.compute(session.key(), (key, current) -> {
            if (current != null) {
                return current;
            }
            created[0] = true;
            index.add(stored.principal(), key);
            return stored;
        });
        return created[0];
    }

    @Override
    public Optional<SessionData> apply(LookupKey key, SessionDelta delta, Instant now) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(delta, "delta");
        Objects.requireNonNull(now, "now");
        checkOpen();
        SessionJson.validate(delta);
        LookupKey target = resolve(key, now);
        StoredSession[] written = {null};
        map.compute(target, (k, current) -> {
            if (current == null || !current.isLive(now)) {
                return current;
            }
            Optional<SessionData> data = parse(k, current);
            if (data.isEmpty()) {
                index.remove(current.principal(), k);
                return null;
            }
            StoredSession next = current.applied(data.get().apply(delta), delta);
            reindex(k, current, next);
            written[0] = next;
            return next;
        });
        return written[0] == null ? Optional.empty() : read(target, written[0]);
    }

    @Override
    public Optional<SessionData> changeKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant now) {
        Objects.requireNonNull(oldKey, "oldKey");
        Objects.requireNonNull(newKey, "newKey");
        Objects.requireNonNull(delta, "delta");
        Objects.requireNonNull(now, "now");
        checkOpen();
        SessionJson.validate(delta);
        LookupKey from = resolve(oldKey, now);
        if (from.equals(newKey) || map.containsKey(newKey)) {
            return Optional.empty();
        }
        return move(from, newKey, now, data -> StoredSession.of(
                data.toBuilder().key(newKey).keyIssuedAt(now).build().apply(delta)));
    }

    @Override
    public Optional<SessionData> renewKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant graceUntil,
            Instant now) {
        Objects.requireNonNull(oldKey, "oldKey");
        Objects.requireNonNull(newKey, "newKey");
        Objects.requireNonNull(delta, "delta");
        SessionStore.requireGrace(graceUntil, now);
        checkOpen();
        SessionJson.validate(delta);
        // only the current key renews, so oldKey is not resolved
        if (oldKey.equals(newKey) || map.containsKey(newKey)) {
            return Optional.empty();
        }
        return move(oldKey, newKey, now, data -> StoredSession.of(
                data.toBuilder().key(newKey).keyIssuedAt(now).build().apply(delta))
                .withPrevious(new StoredSession.Previous(oldKey, graceUntil)));
    }

    /**
     * Moves a live session from {@code oldKey} to {@code newKey} as {@code next} makes it: the
     * mapping of the previous key it had is dropped, that of the previous key {@code next} gives it
     * (a renewal's) is added as it is filed.
     */
    private Optional<SessionData> move(LookupKey oldKey, LookupKey newKey, Instant now,
            java.util.function.Function<SessionData, StoredSession> next) {
        StoredSession[] removed = {null};
        StoredSession[] moved = {null};
        map.compute(oldKey, (k, current) -> {
            if (current == null || !current.isLive(now)) {
                return current;
            }
            Optional<SessionData> data = parse(k, current);
            index.remove(current.principal(), k);
            if (data.isPresent()) {
                removed[0] = current;
                moved[0] = next.apply(data.get());
            }
            return null;
        });
        if (moved[0] == null) {
            return Optional.empty();
        }
        boolean[] filed = {false};
        map.compute(newKey, (k, current) -> {
            if (current != null) {
                return current;
            }
            filed[0] = true;
            index.add(moved[0].principal(), k);
            if (moved[0].previous() != null) {
                previousKeys.put(moved[0].previous().key(), k);
            }
            return moved[0];
        });
        if (!filed[0]) {
            // Another session took the new key between the check and now; put the old one back.
            map.compute(oldKey, (k, current) -> {
                if (current != null) {
                    return current;
                }
                index.add(removed[0].principal(), k);
                return removed[0];
            });
            return Optional.empty();
        }
        dropPrevious(oldKey, removed[0]);
        return read(newKey, moved[0]);
    }

    /**
     * The current key of the session {@code key} names: {@code key} itself, or the session whose
     * previous key it is while its grace lasts.
     */
    private LookupKey resolve(LookupKey key, Instant now) {
        if (previousKeys.isEmpty()) {
            return key;
        }
        LookupKey current = previousKeys.get(key);
        if (current == null || map.containsKey(key)) {
            return key;
        }
        StoredSession stored = peek(current);
        return stored != null && stored.previous() != null && stored.previous().accepts(key, now) ? current : key;
    }

    /**
     * The entry under {@code key}, read without telling Caffeine: no expiry callback, no timer-wheel
     * move, no frequency or recency update. A read never moves a session's expiry (only writes do),
     * yet a recorded read made Caffeine unlink and relink the entry in its timer wheel when it
     * drained its read buffer, a few hundred nanoseconds per request with two threads
     * (docs/benchmarks.md, issue 18). For the choice of which anonymous session to drop when the
     * store is full, a session in use is still seen: every request writes it at least once per
     * touch interval (a touch or a change), and writes are recorded.
     */
    private StoredSession peek(LookupKey key) {
        return policy.getIfPresentQuietly(key);
    }

    /** Forgets the previous key of a session that left {@code key}. */
    private void dropPrevious(LookupKey key, StoredSession left) {
        if (left != null && left.previous() != null) {
            previousKeys.remove(left.previous().key(), key);
        }
    }

    @Override
    public boolean touch(LookupKey key, Touch touch, Instant now) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(touch, "touch");
        Objects.requireNonNull(now, "now");
        checkOpen();
        boolean[] touched = {false};
        map.compute(resolve(key, now), (k, current) -> {
            if (current == null || !current.isLive(now)) {
                return current;
            }
            touched[0] = true;
            return current.touched(touch);
        });
        return touched[0];
    }

    @Override
    public boolean end(LookupKey key, SessionStatus reason, Instant now) {
        Objects.requireNonNull(key, "key");
        SessionStore.requireEndReason(reason);
        Objects.requireNonNull(now, "now");
        checkOpen();
        return endIf(resolve(key, now), now, null);
    }

    /** Removes a live session, if {@code principal} is given only when it is that principal's. */
    private boolean endIf(LookupKey key, Instant now, String principal) {
        boolean[] ended = {false};
        map.computeIfPresent(key, (k, current) -> {
            if (!current.isLive(now) || (principal != null && !principal.equals(current.principal()))) {
                return current;
            }
            index.remove(current.principal(), k);
            dropPrevious(k, current);
            ended[0] = true;
            return null;
        });
        return ended[0];
    }

    /** The limit under the principal's lock stripe, so parallel logins of one user are counted one at a time. */
    @Override
    public List<LookupKey> limitPrincipal(String principal, LookupKey current, int max, SessionLimitMode mode,
            Instant now) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(current, "current");
        checkOpen();
        synchronized (principalLocks[Math.floorMod(principal.hashCode(), principalLocks.length)]) {
            return SessionStore.super.limitPrincipal(principal, current, max, mode, now);
        }
    }

    private static Object[] newLocks(int n) {
        Object[] locks = new Object[n];
        for (int i = 0; i < n; i++) {
            locks[i] = new Object();
        }
        return locks;
    }

    @Override
    public List<SessionData> findByPrincipal(String principal, Instant now) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(now, "now");
        checkOpen();
        List<SessionData> sessions = new ArrayList<>();
        for (LookupKey key : index.keys(principal)) {
            StoredSession stored = peek(key);
            if (stored != null && stored.isLive(now) && principal.equals(stored.principal())) {
                read(key, stored).ifPresent(sessions::add);
            }
        }
        sessions.sort(OLDEST_FIRST);
        return sessions;
    }

    @Override
    public int endByPrincipal(String principal, SessionStatus reason, Instant now) {
        Objects.requireNonNull(principal, "principal");
        SessionStore.requireEndReason(reason);
        Objects.requireNonNull(now, "now");
        checkOpen();
        int ended = 0;
        for (LookupKey key : index.keys(principal)) {
            if (endIf(key, now, principal)) {
                ended++;
            }
        }
        return ended;
    }

    @Override
    public List<SessionData> findLive(Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        SessionStore.requireLimit(limit);
        checkOpen();
        while (true) {
            // The newest candidate sits on top, so the heap keeps the oldest `limit` live entries.
            PriorityQueue<Map.Entry<LookupKey, StoredSession>> oldest =
                    new PriorityQueue<>(ENTRY_OLDEST_FIRST.reversed());
            for (Map.Entry<LookupKey, StoredSession> entry : map.entrySet()) {
                if (entry.getValue().isLive(now)) {
                    oldest.add(Map.entry(entry.getKey(), entry.getValue()));
                    if (oldest.size() > limit) {
                        oldest.poll();
                    }
                }
            }
            List<SessionData> sessions = new ArrayList<>(oldest.size());
            boolean sawCorrupt = false;
            for (Map.Entry<LookupKey, StoredSession> entry : oldest) {
                Optional<SessionData> data = read(entry.getKey(), entry.getValue());
                data.ifPresent(sessions::add);
                sawCorrupt |= data.isEmpty();
            }
            // A corrupt entry is gone now; look again so the caller still gets up to `limit`.
            if (!sawCorrupt) {
                sessions.sort(OLDEST_FIRST);
                return sessions;
            }
        }
    }

    @Override
    public List<LookupKey> purgeExpired(Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        SessionStore.requireLimit(limit);
        checkOpen();
        // Let Caffeine drop what has expired by the store's clock; those keys come back below.
        cache.cleanUp();
        List<LookupKey> purged = new ArrayList<>(reclaimed.take(now, limit));
        previousKeys.entrySet().removeIf(e -> {
            StoredSession stored = peek(e.getValue());
            return stored == null || stored.previous() == null || !stored.previous().accepts(e.getKey(), now);
        });
        for (Map.Entry<LookupKey, StoredSession> entry : map.entrySet()) {
            if (purged.size() >= limit) {
                break;
            }
            if (entry.getValue().expiresAt().isAfter(now)) {
                continue;
            }
            boolean[] removed = {false};
            map.computeIfPresent(entry.getKey(), (k, current) -> {
                if (current.expiresAt().isAfter(now)) {
                    return current;
                }
                index.remove(current.principal(), k);
                removed[0] = true;
                return null;
            });
            if (removed[0]) {
                purged.add(entry.getKey());
            }
        }
        return purged;
    }

    @Override
    public SessionStats stats(Instant now) {
        Objects.requireNonNull(now, "now");
        checkOpen();
        long total = 0;
        long active = 0;
        long expired = 0;
        for (StoredSession stored : map.values()) {
            total++;
            if (stored.isLive(now)) {
                active++;
            } else if (stored.header().status() == SessionStatus.ACTIVE) {
                expired++;
            }
        }
        return new SessionStats(total, active, expired);
    }

    /** Answers while the store is open, without counting its sessions. */
    @Override
    public void ping() {
        checkOpen();
    }

    /** Drops every session. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            cache.invalidateAll();
            cache.cleanUp();
            index.clear();
            previousKeys.clear();
            reclaimed.clear();
            LOG.debug("sessionkit: memory session store closed");
        }
    }

    @Override
    public String toString() {
        return "CaffeineSessionStore[maximumSize=" + maximumSize + ", closed=" + closed.get() + "]";
    }

    // ---------------------------------------------------------------- internals, some for tests

    /** The snapshot with its client metadata as every store keeps it. */
    private static SessionData withCleanClient(SessionData session) {
        String ip = SessionJson.clientText(session.ip());
        String userAgent = SessionJson.clientText(session.userAgent());
        if (ip == session.ip() && userAgent == session.userAgent()) {
            return session;
        }
        return session.toBuilder().ip(ip).userAgent(userAgent).build();
    }

    private void reindex(LookupKey key, StoredSession before, StoredSession after) {
        if (!Objects.equals(before.principal(), after.principal())) {
            index.remove(before.principal(), key);
            index.add(after.principal(), key);
        }
    }

    /** Parses an entry read outside {@code compute}; a corrupt one is removed and reported once. */
    private Optional<SessionData> read(LookupKey key, StoredSession stored) {
        Optional<SessionData> data = parse(key, stored);
        if (data.isEmpty()) {
            map.computeIfPresent(key, (k, current) -> {
                if (current != stored) {
                    return current;
                }
                index.remove(current.principal(), k);
                return null;
            });
        }
        return data;
    }

    private static Optional<SessionData> parse(LookupKey key, StoredSession stored) {
        try {
            return Optional.of(stored.toData());
        } catch (IllegalArgumentException e) {
            LOG.warn("sessionkit: dropped session {} from the memory store: its attributes cannot be read ({})",
                    key.prefix(), e.getMessage());
            return Optional.empty();
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the memory session store is closed");
        }
    }



    /** Drives Caffeine's pending maintenance: expiry and size eviction. */
    void cleanUp() {
        cache.cleanUp();
    }

    /** Replaces the stored attribute text of a session, as corruption would. */
    void corrupt(LookupKey key, String attributesJson) {
        map.computeIfPresent(key, (k, current) -> StoredSession.ofText(current.header(), attributesJson));
    }

    /** How many previous keys of renewed sessions are mapped; for tests. */
    int previousKeys() {
        return previousKeys.size();
    }

    /** How many keys the principal index holds; for tests. */
    int indexedKeys() {
        return index.size();
    }

    /** How many sessions were dropped for room since the store opened. */
    long sizeEvictions() {
        return evictions.total();
    }

    /** How many entries Caffeine holds, including expired ones it has not dropped yet. */
    long estimatedSize() {
        return cache.estimatedSize();
    }

    /**
     * Configures a {@link CaffeineSessionStore}. Each setter may be called once and checks its
     * argument at once. Not thread-safe; a builder can build several stores.
     */
    public static final class Builder {

        /** The capacity when none is given: 100,000 sessions. */
        public static final long DEFAULT_MAXIMUM_SIZE = 100_000;

        private long maximumSize;
        private Clock clock;

        private Builder() {
        }

        /**
         * The most anonymous sessions the store keeps; beyond it Caffeine drops some of them.
         * Signed-in sessions do not count and are never dropped for room. Default
         * {@link #DEFAULT_MAXIMUM_SIZE}.
         *
         * @throws IllegalArgumentException if {@code value} is not positive
         * @throws IllegalStateException if it was already set
         */
        public Builder maximumSize(long value) {
            if (maximumSize != 0) {
                throw new IllegalStateException("maximumSize was already set to " + maximumSize);
            }
            if (value < 1) {
                throw new IllegalArgumentException("maximumSize must be at least 1, not " + value);
            }
            this.maximumSize = value;
            return this;
        }

        /**
         * The clock that drives Caffeine's expiry and the eviction report; default the system
         * clock in UTC. Liveness itself is always judged by the {@code now} each call passes.
         *
         * @throws NullPointerException if {@code value} is null
         * @throws IllegalStateException if it was already set
         */
        public Builder clock(Clock value) {
            Objects.requireNonNull(value, "clock");
            if (clock != null) {
                throw new IllegalStateException("clock was already set");
            }
            this.clock = value;
            return this;
        }

        /** Builds an empty store. */
        public CaffeineSessionStore build() {
            return new CaffeineSessionStore(this);
        }
    }
}
