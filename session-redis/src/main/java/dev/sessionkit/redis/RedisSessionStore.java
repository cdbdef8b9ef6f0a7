package dev.sessionkit.redis;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionConfigurationException;
import dev.sessionkit.SessionJson;
import dev.sessionkit.SessionLimitMode;
import dev.sessionkit.SessionStats;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.SessionStore;
import dev.sessionkit.StoreEvents;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.Touch;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SessionStore} in Redis, one server or a Redis Cluster, on Lettuce.
 *
 * <ul>
 *   <li><b>Layout.</b> A session is a hash, one field per attribute (its JSON text) plus a few
 *       metadata fields, under {@code <prefix>{<bb>}:s:<key>}, where {@code bb} is the first two
 *       hex characters of the lookup key: 256 buckets, each in one hash slot with its expiry,
 *       creation and audit indexes (sorted sets). A principal's index and lock share the tag
 *       {@code {p:<sha-256 of the principal>}}. The module README has the whole layout.
 *   <li><b>Atomicity.</b> Every write of one session is one Lua script on its slot. A delta is
 *       merged in Java from the snapshot just read ({@link SessionData#apply}, so every store
 *       merges alike) and written by a script that checks the version is unchanged; a concurrent
 *       write makes it read and merge again. Only the attributes the delta names are written.
 *   <li><b>Key changes</b> cross slots: the session is taken off the old key by a guarded script
 *       (leaving a pointer for a renewal's grace), then created under the new key; between the two
 *       it is under neither key, which concurrent requests see as no session.
 *   <li><b>Principal index.</b> A sorted set of lookup keys scored by their absolute expiry, added
 *       to before a session is written and pruned by score in the script that lists it, so it can
 *       only hold too much (each member is checked against its session), never too little, and it
 *       empties by itself; the per-user limit runs under a lock key of the principal.
 *   <li><b>Expiry.</b> Every key carries a TTL, so Redis reclaims the memory without a sweeper;
 *       liveness is still judged by the {@code now} each call passes. {@link #purgeExpired} reads
 *       the buckets' expiry indexes, so it also reports sessions Redis dropped by TTL.
 * </ul>
 *
 * <p>Thread-safe. Redis unreachable, or not answering within the timeout, makes an operation throw
 * {@link StoreUnavailableException}; Lettuce reconnects by itself, and in a cluster follows
 * {@code MOVED}/{@code ASK} redirections and refreshes the topology after a failover.
 */
public final class RedisSessionStore implements SessionStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);
    private static final int BUCKETS = 256;
    /** Extra TTL past a session's expiry, so a purge racing with Redis' expiry still sees it. */
    private static final long TTL_SLACK_MS = 60_000;
    private static final Comparator<SessionData> OLDEST_FIRST =
            Comparator.comparing(SessionData::createdAt).thenComparing(s -> s.key().value());
    private static final int MAX_ATTEMPTS = 10_000;

    private final String prefix;
    private final Duration timeout;
    private final long auditRetentionMs;
    private final Clock clock;
    private final AbstractRedisClient ownClient;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final Object[] principalLocks = newLocks(64);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AbstractRedisClient client;
    private final RedisURI eventUri;
    private final RedisEventFeed events;

    private RedisSessionStore(Builder b) {
        this.prefix = b.settings.keyPrefix();
        this.timeout = b.settings.timeout();
        this.auditRetentionMs = b.settings.auditRetention().toMillis();
        this.clock = b.clock != null ? b.clock : Clock.systemUTC();
        AbstractRedisClient client = b.client;
        if (client == null && b.settings.url() == null && b.settings.clusterNodes().isEmpty()) {
            throw new SessionConfigurationException(RedisStoreSettings.REDIS_URL,
                    "set REDIS_URL (redis://host:6379) or SESSION_REDIS_CLUSTER_NODES for the redis store");
        }
        this.ownClient = client == null ? newClient(b.settings) : null;
        if (client == null) {
            client = ownClient;
        }
        this.client = client;
        this.eventUri = b.client == null && !(client instanceof RedisClusterClient) ? b.settings.uris().get(0) : null;
        this.events = new RedisEventFeed(prefix, this.clock, b.settings.events());
        try {
            if (client instanceof RedisClusterClient cluster) {
                StatefulRedisClusterConnection<String, String> c = cluster.connect(StringCodec.UTF8);
                c.setTimeout(timeout);
                this.connection = c;
                this.redis = c.async();
            } else {
                RedisClient single = (RedisClient) client;
                // an application's client connects to its own default URI, the store's to the settings'
                StatefulRedisConnection<String, String> c = b.client != null
                        ? single.connect(StringCodec.UTF8)
                        : single.connect(StringCodec.UTF8, b.settings.uris().get(0));
                c.setTimeout(timeout);
                this.connection = c;
                this.redis = c.async();
            }
        } catch (RedisException e) {
            if (ownClient != null) {
                ownClient.shutdown(Duration.ZERO, timeout);
            }
            throw new StoreUnavailableException("open", "cannot connect to Redis: " + e.getClass().getSimpleName(), e);
        }
        LOG.info("sessionkit: redis session store open ({}, key prefix {})",
                client instanceof RedisClusterClient ? "Redis Cluster" : "one server", prefix);
    }

    private static AbstractRedisClient newClient(RedisStoreSettings settings) {
        SocketOptions socket = SocketOptions.builder().connectTimeout(settings.timeout()).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(settings.timeout());
        if (settings.cluster()) {
            RedisClusterClient client = RedisClusterClient.create(settings.uris());
            client.setOptions(ClusterClientOptions.builder()
                    .socketOptions(socket)
                    .timeoutOptions(timeouts)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(Duration.ofSeconds(5))
                            .enableAllAdaptiveRefreshTriggers()
                            .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                            .build())
                    .build());
            return client;
        }
        RedisClient client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .socketOptions(socket)
                .timeoutOptions(timeouts)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        return client;
    }

    /** A builder; {@link Builder#settings} is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "redis";
    }

    // ---------------------------------------------------------------- keys

    private static String bucket(String key) {
        return key.substring(0, 2);
    }

    private String tag(String key) {
        return prefix + "{" + bucket(key) + "}";
    }

    private String sessionKey(String key) {
        return tag(key) + ":s:" + key;
    }

    private String[] bucketIndexes(String bucketTag) {
        return new String[] {bucketTag + ":exp", bucketTag + ":created", bucketTag + ":ended"};
    }

    private String principalTag(String principal) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(principal.getBytes(StandardCharsets.UTF_8));
            return prefix + "{p:" + HexFormat.of().formatHex(hash) + "}";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }

    // ---------------------------------------------------------------- operations

    @Override
    public Optional<SessionData> load(LookupKey key, Instant now) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(now, "now");
        checkOpen();
        Current current = resolve("load", key.value(), now, true);
        return current != null && current.data.isLive(now) ? Optional.of(current.data) : Optional.empty();
    }

    @Override
    public boolean create(SessionData session) {
        Objects.requireNonNull(session, "session");
        checkOpen();
        SessionJson.validate(session);
        SessionData clean = withCleanClient(session);
        if (clean.principal() != null) {
            indexAdd("create", clean.principal(), clean.key().value(), clean.absoluteExpiresAt());
        }
        return file("create", clean, null);
    }

    /** Creates {@code data} under its key if free (or if it holds a pointer to {@code replaceable}). */
    private boolean file(String operation, SessionData data, String replaceable) {
        String key = data.key().value();
        String[] indexes = bucketIndexes(tag(key));
        List<String> args = new ArrayList<>();
        args.add(Long.toString(ttlMs(data.expiresAt(), clock.instant())));
        args.add(micros(data.expiresAt()));
        args.add(micros(data.createdAt()));
        args.add(key);
        args.add(replaceable == null ? "" : replaceable);
        fields(data).forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        long created = run(operation, Scripts.CREATE, ScriptOutputType.INTEGER,
                new String[] {sessionKey(key), indexes[0], indexes[1]}, args);
        return created == 1;
    }

    @Override
    public Optional<SessionData> apply(LookupKey key, SessionDelta delta, Instant now) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(delta, "delta");
        Objects.requireNonNull(now, "now");
        checkOpen();
        SessionJson.validate(delta);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Current current = resolve("apply", key.value(), now, true);
            if (current == null || !current.data.isLive(now)) {
                return Optional.empty();
            }
            SessionData before = current.data;
            SessionData after = before.apply(delta);
            String k = before.key().value();
            boolean principalChanged = !Objects.equals(before.principal(), after.principal());
            if (after.principal() != null
                    && (principalChanged || !after.absoluteExpiresAt().equals(before.absoluteExpiresAt()))) {
                indexAdd("apply", after.principal(), k, after.absoluteExpiresAt());
            }
            List<String> delete = new ArrayList<>();
            Map<String, String> write = metadata(after);
            for (String name : delta.removed()) {
                if (!after.attributes().containsKey(name)) {
                    delete.add("a:" + name);
                }
            }
            for (String name : delta.set().keySet()) {
                write.put("a:" + name, SessionJson.write(after.attributes().get(name)));
            }
            for (String name : delta.increments().keySet()) {
                write.put("a:" + name, SessionJson.write(after.attributes().get(name)));
            }
            if (after.principal() == null) {
                write.remove("p");
                delete.add("p");
            }
            if (writeIf("apply", before, after, delete, write, now)) {
                if (principalChanged && before.principal() != null) {
                    indexRemove(before.principal(), k);
                }
                return Optional.of(after);
            }
            Thread.onSpinWait();
        }
        throw new StoreUnavailableException("apply", "gave up after " + MAX_ATTEMPTS + " conflicting writes", null);
    }

    private boolean writeIf(String operation, SessionData before, SessionData after, List<String> delete,
            Map<String, String> write, Instant now) {
        String k = before.key().value();
        List<String> args = new ArrayList<>();
        args.add(Long.toString(before.version()));
        args.add(Long.toString(ttlMs(after.expiresAt(), now)));
        args.add(micros(after.expiresAt()));
        args.add(k);
        args.add(Integer.toString(delete.size()));
        args.addAll(delete);
        write.forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        String[] indexes = bucketIndexes(tag(k));
        return run(operation, Scripts.WRITE, ScriptOutputType.INTEGER, new String[] {sessionKey(k), indexes[0]},
                args) == 1L;
    }

    @Override
    public Optional<SessionData> changeKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant now) {
        Objects.requireNonNull(oldKey, "oldKey");
        Objects.requireNonNull(newKey, "newKey");
        Objects.requireNonNull(delta, "delta");
        Objects.requireNonNull(now, "now");
        checkOpen();
        SessionJson.validate(delta);
        return move("changeKey", oldKey.value(), newKey, delta, null, now);
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
        return move("renewKey", oldKey.value(), newKey, delta, graceUntil, now);
    }

    /**
     * Moves the session from {@code from} to {@code newKey}: off the old key by a script guarded
     * by the version read, then filed under the new one; put back if the new key was taken in
     * between. With a {@code graceUntil} (a renewal) the old key must be the current one, and it
     * keeps a pointer to the new key until then.
     */
    private Optional<SessionData> move(String operation, String from, LookupKey newKey, SessionDelta delta,
            Instant graceUntil, Instant now) {
        String to = newKey.value();
        if (from.equals(to)) {
            return Optional.empty();
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            RedisFuture<Long> taken = redis.exists(sessionKey(to));
            Current current = resolve(operation, from, now, graceUntil == null);
            if (await(operation, taken) > 0 || current == null || !current.data.isLive(now)) {
                return Optional.empty();
            }
            SessionData before = current.data;
            String old = before.key().value();
            SessionData after = before.toBuilder().key(newKey).keyIssuedAt(now).build().apply(delta);
            if (after.principal() != null) {
                indexAdd(operation, after.principal(), to, after.absoluteExpiresAt());
            }
            String[] oldIndexes = bucketIndexes(tag(old));
            List<String> args = List.of(Long.toString(before.version()), old, graceUntil == null ? "del" : "ptr", to,
                    graceUntil == null ? "" : micros(graceUntil),
                    graceUntil == null ? "0" : Long.toString(ttlMs(graceUntil, now)));
            if (run(operation, Scripts.MOVE_OUT, ScriptOutputType.INTEGER,
                    new String[] {sessionKey(old), oldIndexes[0], oldIndexes[1]}, args) != 1L) {
                Thread.onSpinWait();
                continue; // written, ended or moved since it was read: look again
            }
            boolean ok;
            try {
                ok = fileMoved(operation, after, graceUntil == null ? null : old, graceUntil);
            } catch (StoreUnavailableException e) {
                LOG.warn("sessionkit: redis store lost session {} while moving it to a new key: {}", before.key().prefix(),
                        e.getMessage());
                throw e;
            }
            if (!ok) {
                // another session took the new key in between: put this one back as it was
                file(operation, before, graceUntil == null ? null : to);
                if (after.principal() != null && !after.principal().equals(before.principal())) {
                    indexRemove(after.principal(), to);
                }
                return Optional.empty();
            }
            if (before.principal() != null) {
                indexRemove(before.principal(), old);
            }
            events.announceMoved(redis, old, to);
            return Optional.of(after);
        }
        throw new StoreUnavailableException(operation, "gave up after " + MAX_ATTEMPTS + " conflicting writes", null);
    }

    /** Files a moved session, with the previous key it keeps for a renewal's grace. */
    private boolean fileMoved(String operation, SessionData data, String previous, Instant graceUntil) {
        if (previous == null) {
            return file(operation, data, null);
        }
        String key = data.key().value();
        String[] indexes = bucketIndexes(tag(key));
        List<String> args = new ArrayList<>();
        args.add(Long.toString(ttlMs(data.expiresAt(), clock.instant())));
        args.add(micros(data.expiresAt()));
        args.add(micros(data.createdAt()));
        args.add(key);
        args.add("");
        Map<String, String> fields = fields(data);
        fields.put("pk", previous);
        fields.put("pu", micros(graceUntil));
        fields.forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        return run(operation, Scripts.CREATE, ScriptOutputType.INTEGER,
                new String[] {sessionKey(key), indexes[0], indexes[1]}, args) == 1L;
    }

    @Override
    public boolean touch(LookupKey key, Touch touch, Instant now) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(touch, "touch");
        Objects.requireNonNull(now, "now");
        checkOpen();
        String k = key.value();
        for (int hop = 0; hop < 2; hop++) {
            String[] indexes = bucketIndexes(tag(k));
            long touched = run("touch", Scripts.TOUCH, ScriptOutputType.INTEGER,
                    new String[] {sessionKey(k), indexes[0]},
                    List.of(micros(now), micros(touch.lastAccessedAt()), micros(touch.idleExpiresAt()), k,
                            Long.toString(TTL_SLACK_MS)));
            if (touched == 1L || hop == 1) {
                return touched == 1L;
            }
            // not touched: maybe a previous key still in its grace
            Current current = resolve("touch", k, now, true);
            if (current == null || current.data.key().value().equals(k)) {
                return false;
            }
            k = current.data.key().value();
        }
        return false;
    }

    @Override
    public boolean end(LookupKey key, SessionStatus reason, Instant now) {
        Objects.requireNonNull(key, "key");
        SessionStore.requireEndReason(reason);
        Objects.requireNonNull(now, "now");
        checkOpen();
        Current current = resolve("end", key.value(), now, true);
        if (current == null || !current.data.isLive(now)) {
            return false;
        }
        boolean ended = endKey("end", current.data.key().value(), current.data.principal(), null, reason, now);
        if (ended) {
            events.announceEnded(redis, reason, List.of(current.data.key().value()));
        }
        return ended;
    }

    /** Ends the session under {@code k} if live (and, given {@code onlyOf}, that principal's); unindexes it. */
    private boolean endKey(String operation, String k, String principal, String onlyOf, SessionStatus reason,
            Instant now) {
        boolean ended = await(operation, endKeyAsync(operation, k, onlyOf, reason, now)) == 1L;
        if (ended && principal != null) {
            indexRemove(principal, k);
        }
        return ended;
    }

    private CompletableFuture<Long> endKeyAsync(String operation, String k, String onlyOf, SessionStatus reason,
            Instant now) {
        String[] indexes = bucketIndexes(tag(k));
        return runAsync(Scripts.END, ScriptOutputType.INTEGER,
                new String[] {sessionKey(k), indexes[0], indexes[1], indexes[2]},
                List.of(micros(now), reason.code(), Long.toString(auditRetentionMs), k, onlyOf == null ? "" : onlyOf));
    }

    @Override
    public List<SessionData> findByPrincipal(String principal, Instant now) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(now, "now");
        checkOpen();
        if (!SessionJson.isStorable(principal)) {
            return List.of();
        }
        List<SessionData> sessions = new ArrayList<>();
        Map<String, RedisFuture<Map<String, String>>> reads = new LinkedHashMap<>();
        for (String k : indexList("findByPrincipal", principal, now)) {
            reads.put(k, redis.hgetall(sessionKey(k)));
        }
        for (Map.Entry<String, RedisFuture<Map<String, String>>> read : reads.entrySet()) {
            Map<String, String> hash = await("findByPrincipal", read.getValue());
            SessionData data = hash.isEmpty() || hash.containsKey("mv") ? null : decode(read.getKey(), hash);
            if (data != null && data.isLive(now) && principal.equals(data.principal())) {
                sessions.add(data);
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
        return endAllOf("endByPrincipal", principal, null, reason, now);
    }

    @Override
    public int endOthersByPrincipal(String principal, LookupKey keep, SessionStatus reason, Instant now) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(keep, "keep");
        SessionStore.requireEndReason(reason);
        Objects.requireNonNull(now, "now");
        checkOpen();
        return endAllOf("endOthersByPrincipal", principal, keep.value(), reason, now);
    }

    /** Ends every indexed session of the principal but {@code keep}, each in one script, all sent at once. */
    private int endAllOf(String operation, String principal, String keep, SessionStatus reason, Instant now) {
        if (!SessionJson.isStorable(principal)) {
            return 0;
        }
        Map<String, CompletableFuture<Long>> ends = new LinkedHashMap<>();
        for (String k : indexList(operation, principal, now)) {
            if (!k.equals(keep)) {
                ends.put(k, endKeyAsync(operation, k, principal, reason, now));
            }
        }
        List<String> ended = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<Long>> end : ends.entrySet()) {
            if (await(operation, end.getValue()) == 1L) {
                ended.add(end.getKey());
                indexRemove(principal, end.getKey());
            }
        }
        events.announceEnded(redis, reason, ended);
        return ended.size();
    }

    /**
     * The limit under the principal's lock: a lock key in Redis, so parallel logins of one user
     * are counted one at a time across every process, and a striped lock in this JVM, so its own
     * threads do not spin on the Redis one.
     */
    @Override
    public List<LookupKey> limitPrincipal(String principal, LookupKey current, int max, SessionLimitMode mode,
            Instant now) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(now, "now");
        SessionStore.requireLimit(max);
        checkOpen();
        if (!SessionJson.isStorable(principal)) {
            return List.of();
        }
        synchronized (principalLocks[Math.floorMod(principal.hashCode(), principalLocks.length)]) {
            String lock = principalTag(principal) + ":lock";
            String token = UUID.randomUUID().toString();
            long deadline = System.nanoTime() + timeout.multipliedBy(5).toNanos();
            SetArgs args = SetArgs.Builder.nx().px(timeout.multipliedBy(5).toMillis());
            while (!"OK".equals(await("limitPrincipal", redis.set(lock, token, args)))) {
                if (System.nanoTime() > deadline) {
                    throw new StoreUnavailableException("limitPrincipal", "the principal's lock stayed taken", null);
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreUnavailableException("limitPrincipal", "interrupted", e);
                }
            }
            try {
                return SessionStore.super.limitPrincipal(principal, current, max, mode, now);
            } finally {
                run("limitPrincipal", Scripts.UNLOCK, ScriptOutputType.INTEGER, new String[] {lock}, List.of(token));
            }
        }
    }

    @Override
    public List<SessionData> findLive(Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        SessionStore.requireLimit(limit);
        checkOpen();
        List<CompletableFuture<List<Object>>> pages = new ArrayList<>();
        for (int b = 0; b < BUCKETS; b++) {
            String[] indexes = bucketIndexes(prefix + "{" + String.format("%02x", b) + "}");
            pages.add(runAsync(Scripts.LIVE, ScriptOutputType.MULTI, new String[] {indexes[1], indexes[0]},
                    List.of(micros(now), Integer.toString(limit))));
        }
        record Candidate(String key, double created) {
        }
        List<Candidate> candidates = new ArrayList<>();
        for (CompletableFuture<List<Object>> page : pages) {
            List<Object> flat = await("findLive", page);
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                candidates.add(new Candidate((String) flat.get(i), Double.parseDouble((String) flat.get(i + 1))));
            }
        }
        candidates.sort(Comparator.comparingDouble(Candidate::created).thenComparing(Candidate::key));
        List<SessionData> sessions = new ArrayList<>();
        for (int from = 0; from < candidates.size() && sessions.size() < limit; ) {
            int to = Math.min(candidates.size(), from + (limit - sessions.size()));
            List<RedisFuture<Map<String, String>>> reads = new ArrayList<>();
            for (Candidate c : candidates.subList(from, to)) {
                reads.add(redis.hgetall(sessionKey(c.key())));
            }
            for (int i = 0; i < reads.size(); i++) {
                Map<String, String> hash = await("findLive", reads.get(i));
                SessionData data = hash.isEmpty() || hash.containsKey("mv") ? null
                        : decode(candidates.get(from + i).key(), hash);
                if (data != null && data.isLive(now)) {
                    sessions.add(data);
                }
            }
            from = to;
        }
        sessions.sort(OLDEST_FIRST);
        return sessions.size() > limit ? sessions.subList(0, limit) : sessions;
    }

    @Override
    public List<LookupKey> purgeExpired(Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        SessionStore.requireLimit(limit);
        checkOpen();
        List<LookupKey> purged = new ArrayList<>();
        for (int b = 0; b < BUCKETS && purged.size() < limit; b++) {
            String bucketTag = prefix + "{" + String.format("%02x", b) + "}";
            String[] indexes = bucketIndexes(bucketTag);
            List<Object> keys = await("purgeExpired", runAsync(Scripts.PURGE, ScriptOutputType.MULTI, indexes,
                    List.of(micros(now), Integer.toString(limit - purged.size()), bucketTag + ":s:",
                            Long.toString(auditRetentionMs))));
            for (Object k : keys) {
                purged.add(new LookupKey((String) k));
            }
        }
        events.announceEnded(redis, SessionStatus.EXPIRED, purged.stream().map(LookupKey::value).toList());
        return purged;
    }

    @Override
    public SessionStats stats(Instant now) {
        Objects.requireNonNull(now, "now");
        checkOpen();
        List<CompletableFuture<List<Object>>> counts = new ArrayList<>();
        for (int b = 0; b < BUCKETS; b++) {
            String[] indexes = bucketIndexes(prefix + "{" + String.format("%02x", b) + "}");
            counts.add(runAsync(Scripts.STATS, ScriptOutputType.MULTI, new String[] {indexes[0], indexes[2]},
                    List.of(micros(now))));
        }
        long held = 0;
        long expired = 0;
        long audit = 0;
        for (CompletableFuture<List<Object>> count : counts) {
            List<Object> c = await("stats", count);
            held += (Long) c.get(0);
            expired += (Long) c.get(1);
            audit += (Long) c.get(2);
        }
        return new SessionStats(held + audit, held - expired, expired);
    }

    /**
     * {@code PING}; in a cluster, to every master that serves slots, through the connections the
     * store's commands use, all within one timeout. Until each of them answers, some sessions cannot
     * be served: after a restart of the cluster, one node's connection can still be waiting to
     * reconnect when another's answers. A failed master whose slots a replica took over serves none
     * and is not asked.
     */
    @Override
    public void ping() {
        checkOpen();
        if (!(redis instanceof RedisAdvancedClusterAsyncCommands<String, String> cluster)) {
            await("ping", redis.ping());
            return;
        }
        CompletableFuture<String>[] answers;
        try {
            answers = cluster.nodes(node -> node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.hasNoSlots())
                    .commands().ping().futures();
        } catch (RedisException e) {
            throw new StoreUnavailableException("ping", "Redis failed: " + e.getClass().getSimpleName(), e);
        }
        if (answers.length == 0) {
            throw new StoreUnavailableException("ping", "no master of the Redis Cluster serves slots, as Lettuce sees it", null);
        }
        await("ping", CompletableFuture.allOf(answers));
    }

    /**
     * Delivers what other instances on the same key prefix end or move, through Redis pub/sub (see
     * {@link RedisEventFeed}): the first subscriber opens one pub/sub connection, the last closes it.
     * With {@code SESSION_REDIS_EVENTS=false} nothing is delivered and no connection is opened.
     */
    @Override
    public AutoCloseable subscribe(StoreEvents subscriber) {
        Objects.requireNonNull(subscriber, "events");
        checkOpen();
        events.add(subscriber, client, eventUri);
        return () -> {
            if (events.remove(subscriber)) {
                events.close();
            }
        };
    }

    /** Whether the event feed is subscribed and connected (tests). */
    boolean feedListening() {
        return events.listening();
    }

    /** Closes the store's connection, its event feed, and the client when the store made it. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            events.close();
            try {
                connection.close();
            } catch (RuntimeException e) {
                LOG.debug("sessionkit: closing the redis connection failed", e);
            }
            if (ownClient != null) {
                ownClient.shutdown(Duration.ZERO, timeout);
            }
            LOG.debug("sessionkit: redis session store closed");
        }
    }

    @Override
    public String toString() {
        return "RedisSessionStore[prefix=" + prefix + ", closed=" + closed.get() + "]";
    }

    // ---------------------------------------------------------------- reading and writing

    /** A session as read, under its current key. */
    private record Current(SessionData data) {
    }

    /**
     * The session {@code k} names: the one under it, or, when {@code followPrevious}, the one
     * whose previous key it is while the grace lasts (one hop: a pointer to a pointer is no
     * session). Null when there is none or it cannot be read.
     */
    private Current resolve(String operation, String k, Instant now, boolean followPrevious) {
        Map<String, String> hash = await(operation, redis.hgetall(sessionKey(k)));
        if (hash.isEmpty()) {
            return null;
        }
        String target = hash.get("mv");
        if (target == null) {
            SessionData data = decode(k, hash);
            return data == null ? null : new Current(data);
        }
        if (!followPrevious || !LookupKey.isWellFormed(target) || !before(now, hash.get("pu"))) {
            return null;
        }
        Map<String, String> moved = await(operation, redis.hgetall(sessionKey(target)));
        if (moved.isEmpty() || moved.containsKey("mv") || !k.equals(moved.get("pk")) || !before(now, moved.get("pu"))) {
            return null;
        }
        SessionData data = decode(target, moved);
        return data == null ? null : new Current(data);
    }

    private static boolean before(Instant now, String micros) {
        try {
            return micros != null && Long.parseLong(micros) > toMicros(now);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The hash fields of a snapshot: metadata and one {@code a:<name>} per attribute. */
    private static Map<String, String> fields(SessionData data) {
        Map<String, String> fields = metadata(data);
        fields.put("c", micros(data.createdAt()));
        fields.put("st", data.status().code());
        if (data.ip() != null) {
            fields.put("ip", data.ip());
        }
        if (data.userAgent() != null) {
            fields.put("ua", data.userAgent());
        }
        data.attributes().forEach((name, value) -> fields.put("a:" + name, SessionJson.write(value)));
        return fields;
    }

    /** The fields a delta may change, other than attributes. */
    private static Map<String, String> metadata(SessionData data) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("v", Long.toString(data.version()));
        fields.put("la", micros(data.lastAccessedAt()));
        fields.put("ie", micros(data.idleExpiresAt()));
        fields.put("ae", micros(data.absoluteExpiresAt()));
        fields.put("it", data.idleTimeout().toString());
        fields.put("ki", micros(data.keyIssuedAt()));
        if (data.principal() != null) {
            fields.put("p", data.principal());
        }
        return fields;
    }

    /** The snapshot in {@code hash}, or null (logged once, with the key's prefix) when it cannot be read. */
    private static SessionData decode(String k, Map<String, String> hash) {
        LookupKey key = new LookupKey(k);
        try {
            Map<String, com.fasterxml.jackson.databind.JsonNode> attributes = new LinkedHashMap<>();
            hash.forEach((field, value) -> {
                if (field.startsWith("a:")) {
                    attributes.put(field.substring(2), SessionJson.parse(value));
                }
            });
            return SessionData.builder()
                    .key(key)
                    .attributes(attributes)
                    .principal(hash.get("p"))
                    .createdAt(instant(hash.get("c")))
                    .lastAccessedAt(instant(hash.get("la")))
                    .idleExpiresAt(instant(hash.get("ie")))
                    .absoluteExpiresAt(instant(hash.get("ae")))
                    .idleTimeout(Duration.parse(hash.get("it")))
                    .ip(hash.get("ip"))
                    .userAgent(hash.get("ua"))
                    .status(SessionStatus.fromCode(hash.get("st")))
                    .version(Long.parseLong(hash.get("v")))
                    .keyIssuedAt(instant(hash.get("ki")))
                    .build();
        } catch (RuntimeException e) {
            LOG.warn("sessionkit: redis store cannot read session {}; treated as no session ({})", key.prefix(),
                    e.getClass().getSimpleName());
            return null;
        }
    }

    private static Instant instant(String micros) {
        long value = Long.parseLong(Objects.requireNonNull(micros, "a time field is missing"));
        return Instant.EPOCH.plus(value, java.time.temporal.ChronoUnit.MICROS);
    }

    private static long toMicros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    private static String micros(Instant instant) {
        return Long.toString(toMicros(instant));
    }

    /** How long Redis keeps a session expiring at {@code expiresAt}, seen at {@code now}: until then, plus slack. */
    private static long ttlMs(Instant expiresAt, Instant now) {
        return Math.max(1, Duration.between(now, expiresAt).toMillis()) + TTL_SLACK_MS;
    }

    private static SessionData withCleanClient(SessionData session) {
        String ip = SessionJson.clientText(session.ip());
        String userAgent = SessionJson.clientText(session.userAgent());
        SessionData.Builder b = session.toBuilder().ip(ip).userAgent(userAgent);
        // times are kept to the microsecond, as PostgreSQL keeps them
        return b.createdAt(truncate(session.createdAt())).lastAccessedAt(truncate(session.lastAccessedAt()))
                .idleExpiresAt(truncate(session.idleExpiresAt())).absoluteExpiresAt(truncate(session.absoluteExpiresAt()))
                .keyIssuedAt(truncate(session.keyIssuedAt())).build();
    }

    private static Instant truncate(Instant instant) {
        return instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    // ---------------------------------------------------------------- principal index

    private void indexAdd(String operation, String principal, String k, Instant absoluteExpiresAt) {
        run(operation, Scripts.INDEX_ADD, ScriptOutputType.INTEGER, new String[] {principalTag(principal) + ":idx"},
                List.of(micros(absoluteExpiresAt), k, Long.toString(ttlMs(absoluteExpiresAt, clock.instant()))));
    }

    /** Best effort: a member left behind is checked against its session and pruned by its score. */
    private void indexRemove(String principal, String k) {
        redis.zrem(principalTag(principal) + ":idx", k);
    }

    private List<String> indexList(String operation, String principal, Instant now) {
        List<Object> members = await(operation, runAsync(Scripts.INDEX_LIST, ScriptOutputType.MULTI,
                new String[] {principalTag(principal) + ":idx"}, List.of(micros(now))));
        List<String> keys = new ArrayList<>(members.size());
        for (Object member : members) {
            keys.add((String) member);
        }
        return keys;
    }

    // ---------------------------------------------------------------- commands

    private long run(String operation, Scripts.Script script, ScriptOutputType type, String[] keys,
            List<String> args) {
        Object result = await(operation, runAsync(script, type, keys, args));
        return (Long) result;
    }

    /**
     * {@code EVALSHA}, falling back to {@code EVAL} (which caches the script) on {@code NOSCRIPT}, and
     * sent again on {@code TRYAGAIN}: while a slot migrates, a script whose keys are split between
     * the two nodes is refused without running, and succeeds once the keys are together.
     */
    private <T> CompletableFuture<T> runAsync(Scripts.Script script, ScriptOutputType type, String[] keys,
            List<String> args) {
        return runAsync(script, type, keys, args.toArray(String[]::new), 0);
    }

    private <T> CompletableFuture<T> runAsync(Scripts.Script script, ScriptOutputType type, String[] keys,
            String[] values, int attempt) {
        RedisFuture<T> first = redis.evalsha(script.sha(), type, keys, values);
        return first.toCompletableFuture().exceptionallyCompose(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            if (cause instanceof RedisNoScriptException) {
                RedisFuture<T> loaded = redis.eval(script.source(), type, keys, values);
                return loaded.toCompletableFuture();
            }
            if (attempt < 100 && cause.getMessage() != null && cause.getMessage().startsWith("TRYAGAIN")) {
                return CompletableFuture.supplyAsync(() -> null,
                        CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS))
                        .thenCompose(ignored -> this.<T>runAsync(script, type, keys, values, attempt + 1));
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    private <T> T await(String operation, java.util.concurrent.Future<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new StoreUnavailableException(operation, "Redis did not answer within " + timeout, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new StoreUnavailableException(operation, "Redis failed: " + cause.getClass().getSimpleName(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException(operation, "interrupted waiting for Redis", e);
        } catch (RedisException e) {
            throw new StoreUnavailableException(operation, "Redis failed: " + e.getClass().getSimpleName(), e);
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the redis session store is closed");
        }
    }

    private static Object[] newLocks(int n) {
        Object[] locks = new Object[n];
        for (int i = 0; i < n; i++) {
            locks[i] = new Object();
        }
        return locks;
    }

    // ---------------------------------------------------------------- for tests

    /** Overwrites one field of a stored session, as corruption would. */
    void corrupt(LookupKey key, String field, String value) {
        await("corrupt", redis.hset(sessionKey(key.value()), field, value));
    }

    /** The key of the session hash, for tests. */
    String sessionKeyOf(LookupKey key) {
        return sessionKey(key.value());
    }

    /** The key of a principal's index, for tests. */
    String principalIndexOf(String principal) {
        return principalTag(principal) + ":idx";
    }

    /** The async commands, for tests. */
    RedisClusterAsyncCommands<String, String> commands() {
        return redis;
    }

    /**
     * Configures a {@link RedisSessionStore}. Not thread-safe; a builder can build several stores.
     */
    public static final class Builder {

        private RedisStoreSettings settings;
        private Clock clock;
        private AbstractRedisClient client;

        private Builder() {
        }

        /**
         * The settings; required. Without {@link #client} the store makes its own client from them.
         *
         * @throws IllegalStateException if they were already set
         */
        public Builder settings(RedisStoreSettings value) {
            Objects.requireNonNull(value, "settings");
            if (settings != null) {
                throw new IllegalStateException("settings were already set");
            }
            this.settings = value;
            return this;
        }

        /**
         * The clock for TTLs of writes that are given no {@code now}; default the system clock.
         *
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

        /**
         * An application's Lettuce client ({@code RedisClient} or {@code RedisClusterClient}): the
         * store opens one connection on it, sharing its threads, and closes only that connection.
         * The client must have been created with its URI ({@code RedisClient.create(uri)}) or seed
         * nodes; the settings' URL and seed nodes are then not used, their timeout and prefix are.
         *
         * @throws IllegalStateException if it was already set
         */
        public Builder client(AbstractRedisClient value) {
            Objects.requireNonNull(value, "client");
            if (client != null) {
                throw new IllegalStateException("client was already set");
            }
            this.client = value;
            return this;
        }

        /**
         * Opens the store.
         *
         * @throws IllegalStateException if no settings were given
         * @throws SessionConfigurationException naming {@code REDIS_URL} when the store would make
         *     its own client and the settings name no server
         * @throws StoreUnavailableException when Redis cannot be reached
         */
        public RedisSessionStore build() {
            if (settings == null) {
                throw new IllegalStateException("settings are required");
            }
            return new RedisSessionStore(this);
        }
    }
}
