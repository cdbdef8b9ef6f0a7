package dev.sessionkit.bench;

import dev.sessionkit.EnvironmentVariables;
import dev.sessionkit.RequestInfo;
import dev.sessionkit.Session;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.redis.RedisSessionStore;
import dev.sessionkit.redis.RedisStoreSettings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The Redis store against Redis-native floors, on the server named by the system property
 * {@value #URL}, with sessions seeded in the fork under a fresh key prefix.
 *
 * <ul>
 *   <li><b>sessionkit</b>: {@code RedisSessionStore} through {@code SessionManager}, as an adapter
 *       runs it (signed cookie, SHA-256 lookup key, default settings: touch interval 5 minutes).
 *   <li><b>raw</b>: the same data layout driven with bare Lettuce commands, no engine: a read is one
 *       {@code HGETALL}; a modify is {@code HGETALL} plus one script doing the same work as the
 *       store's guarded write (version check, {@code HSET}, {@code PEXPIRE}, {@code ZADD}); a create
 *       one script (free-key check, {@code HSET}, {@code PEXPIRE}, two {@code ZADD}); a login a create
 *       plus a read, a move-out script and a second create and the principal's {@code ZADD}; a list
 *       a {@code ZRANGE} and pipelined {@code HGETALL}s.
 *   <li><b>hset</b>: the single-command floors: {@code HGETALL} for a read, one {@code HSET} for a
 *       modify and a create.
 *   <li><b>spring</b>: Spring Session Data Redis' default {@code RedisSessionRepository}
 *       ({@link SpringSessionRedis}); it has no principal index, so its list shape does nothing.
 * </ul>
 */
@State(Scope.Benchmark)
public class RedisBenchmark {

    /** Where the floors' timestamps come from, as the store's come from its clock. */
    private static final Clock CLOCK = Clock.systemUTC();

    static final String URL = "bench.redisUrl";
    static final String SESSIONS_PROPERTY = "bench.redisSessions";
    static final int SESSIONS = Integer.getInteger(SESSIONS_PROPERTY, 10_000);
    static final int PRINCIPALS = Math.max(1, SESSIONS / 50);

    @Param({"sessionkit", "raw", "hset", "spring"})
    public String contender;

    private String prefix;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> redis;
    private RedisAsyncCommands<String, String> async;
    private RedisSessionStore store;
    private SpringSessionRedis spring;
    private String[] springIds;
    private SessionManager manager;
    private String[] cookies;
    private String[] keys;

    private static final String WRITE = """
            local h = redis.call('hmget', KEYS[1], 'v', 'st')
            if h[1] ~= ARGV[1] or h[2] ~= 'active' then return 0 end
            redis.call('hset', KEYS[1], 'v', ARGV[2], 'la', ARGV[3], 'a:counter', ARGV[4])
            redis.call('pexpire', KEYS[1], 86460000)
            redis.call('zadd', KEYS[2], ARGV[3], ARGV[5])
            return 1
            """;
    private static final String CREATE = """
            if redis.call('exists', KEYS[1]) == 1 then return 0 end
            redis.call('hset', KEYS[1], unpack(ARGV, 3))
            redis.call('pexpire', KEYS[1], 86460000)
            redis.call('zadd', KEYS[2], ARGV[1], ARGV[2])
            redis.call('zadd', KEYS[3], ARGV[1], ARGV[2])
            return 1
            """;
    private static final String MOVE_OUT = """
            local h = redis.call('hmget', KEYS[1], 'v', 'st')
            if h[1] ~= ARGV[1] or h[2] ~= 'active' then return 0 end
            redis.call('zrem', KEYS[2], ARGV[2])
            redis.call('zrem', KEYS[3], ARGV[2])
            redis.call('del', KEYS[1])
            return 1
            """;
    private String writeSha;
    private String createSha;
    private String moveSha;

    @Setup(Level.Trial)
    public void open() {
        String url = PostgresBenchmark.required(URL);
        prefix = "bench-" + UUID.randomUUID() + ":";
        if ("spring".equals(contender)) {
            spring = new SpringSessionRedis(url, prefix + "spring");
            springIds = new String[SESSIONS];
            for (int i = 0; i < SESSIONS; i++) {
                springIds[i] = spring.create(null);
            }
            return;
        }
        if ("sessionkit".equals(contender)) {
            SessionSettings settings = SessionSettings.builder().secrets(Shapes.SECRET).build();
            store = RedisSessionStore.builder()
                    .settings(RedisStoreSettings.fromEnvironment(EnvironmentVariables.of(Map.of(
                            RedisStoreSettings.REDIS_URL, url, RedisStoreSettings.SESSION_REDIS_KEY_PREFIX, prefix))))
                    .clock(Clock.systemUTC()).build();
            manager = SessionManager.builder().settings(settings).store(store).sweeper(false).build();
            cookies = new String[SESSIONS];
            for (int i = 0; i < SESSIONS; i++) {
                cookies[i] = Shapes.createWithAttributes(manager, null);
            }
            for (int i = 0; i < PRINCIPALS * DbContender.SESSIONS_PER_PRINCIPAL; i++) {
                Shapes.createWithAttributes(manager, Shapes.principal(i / DbContender.SESSIONS_PER_PRINCIPAL));
            }
        } else {
            client = RedisClient.create(url);
            connection = client.connect();
            redis = connection.sync();
            async = connection.async();
            writeSha = redis.scriptLoad(WRITE);
            createSha = redis.scriptLoad(CREATE);
            moveSha = redis.scriptLoad(MOVE_OUT);
            keys = new String[SESSIONS];
            for (int i = 0; i < SESSIONS; i++) {
                keys[i] = newKey();
                rawCreate(keys[i], null);
            }
            for (int i = 0; i < PRINCIPALS * DbContender.SESSIONS_PER_PRINCIPAL; i++) {
                String key = newKey();
                rawCreate(key, Shapes.principal(i / DbContender.SESSIONS_PER_PRINCIPAL));
                redis.zadd(prefix + "{p:" + Shapes.principal(i / DbContender.SESSIONS_PER_PRINCIPAL) + "}:idx",
                        4.1e15, key);
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        if (spring != null) {
            spring.close();
        }
        if (manager != null) {
            manager.close();
            store.close();
        }
        if (client != null) {
            connection.close();
            client.shutdown();
        }
    }

    // ---------------------------------------------------------------- the shapes

    @Benchmark
    public Object readOnly() {
        int i = ThreadLocalRandom.current().nextInt(SESSIONS);
        if (spring != null) {
            return spring.readOnly(springIds[i]);
        }
        if (manager != null) {
            SessionContext context = manager.resolve(RequestInfo.ofCookie(cookies[i]));
            Session session = context.session().orElseThrow(() -> new IllegalStateException("seeded session missing"));
            if (session.get(Shapes.THEME, String.class).isEmpty()) {
                throw new IllegalStateException("attribute missing");
            }
            return manager.commit(context);
        }
        Map<String, String> hash = redis.hgetall(sessionKey(keys[i]));
        if (!hash.containsKey("a:theme")) {
            throw new IllegalStateException("seeded session missing");
        }
        return hash;
    }

    @Benchmark
    public Object modify() {
        int i = ThreadLocalRandom.current().nextInt(SESSIONS);
        if (spring != null) {
            return spring.modify(springIds[i]);
        }
        if (manager != null) {
            SessionContext context = manager.resolve(RequestInfo.ofCookie(cookies[i]));
            Session session = context.session().orElseThrow(() -> new IllegalStateException("seeded session missing"));
            session.increment(Shapes.COUNTER, 1);
            return manager.commit(context);
        }
        String key = sessionKey(keys[i]);
        if ("hset".equals(contender)) {
            return redis.hset(key, "a:counter", Long.toString(ThreadLocalRandom.current().nextLong()));
        }
        for (int attempt = 0; attempt < 1000; attempt++) {
            Map<String, String> hash = redis.hgetall(key);
            long version = Long.parseLong(hash.get("v"));
            long counter = Long.parseLong(hash.get("a:counter")) + 1;
            long now = CLOCK.millis() * 1000;
            Long ok = redis.evalsha(writeSha, ScriptOutputType.INTEGER,
                    new String[] {key, bucket(keys[i]) + ":exp"}, Long.toString(version), Long.toString(version + 1),
                    Long.toString(now), Long.toString(counter), keys[i]);
            if (ok == 1L) {
                return ok;
            }
        }
        throw new IllegalStateException("no write after 1000 attempts");
    }

    @Benchmark
    public Object create() {
        if (spring != null) {
            return spring.create(null);
        }
        if (manager != null) {
            return Shapes.createWithAttributes(manager, null);
        }
        String key = newKey();
        if ("hset".equals(contender)) {
            return redis.hset(sessionKey(key), fields(null));
        }
        return rawCreate(key, null);
    }

    @Benchmark
    public Object login() {
        if (spring != null) {
            return spring.login();
        }
        if (manager != null) {
            SessionContext visit = manager.resolve(RequestInfo.ofCookie(null));
            visit.getOrCreate().set(Shapes.CART, Shapes.CART_VALUE);
            String cookie = Shapes.cookieOf(manager.commit(visit));
            SessionContext signIn = manager.resolve(RequestInfo.ofCookie(cookie));
            signIn.session().orElseThrow(() -> new IllegalStateException("new session missing"))
                    .login("login-" + ThreadLocalRandom.current().nextInt(1_000_000));
            return Shapes.cookieOf(manager.commit(signIn));
        }
        String key = newKey();
        rawCreate(key, null);
        Map<String, String> hash = redis.hgetall(sessionKey(key));
        String principal = "login-" + ThreadLocalRandom.current().nextInt(1_000_000);
        String moved = newKey();
        redis.zadd(prefix + "{p:" + principal + "}:idx", 4.1e15, moved);
        redis.evalsha(moveSha, ScriptOutputType.INTEGER,
                new String[] {sessionKey(key), bucket(key) + ":exp", bucket(key) + ":created"}, hash.get("v"), key);
        return rawCreate(moved, principal);
    }

    @Benchmark
    public int listByPrincipal() throws Exception {
        int p = ThreadLocalRandom.current().nextInt(PRINCIPALS);
        if (spring != null) {
            // Spring Session's default Redis repository keeps no principal index: nothing to compare
            return DbContender.SESSIONS_PER_PRINCIPAL;
        }
        if (manager != null) {
            return manager.sessionsOf(Shapes.principal(p)).size();
        }
        List<String> members = redis.zrange(prefix + "{p:" + Shapes.principal(p) + "}:idx", 0, -1);
        List<io.lettuce.core.RedisFuture<Map<String, String>>> reads = new ArrayList<>();
        for (String member : members) {
            reads.add(async.hgetall(sessionKey(member)));
        }
        int found = 0;
        for (io.lettuce.core.RedisFuture<Map<String, String>> read : reads) {
            found += read.get(5, TimeUnit.SECONDS).isEmpty() ? 0 : 1;
        }
        return found;
    }

    // ---------------------------------------------------------------- helpers

    private long rawCreate(String key, String principal) {
        List<String> args = new ArrayList<>(List.of(Long.toString(CLOCK.millis() * 1000), key));
        fields(principal).forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        return redis.evalsha(createSha, ScriptOutputType.INTEGER,
                new String[] {sessionKey(key), bucket(key) + ":exp", bucket(key) + ":created"},
                args.toArray(String[]::new));
    }

    private static Map<String, String> fields(String principal) {
        long now = CLOCK.millis() * 1000;
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("v", "0");
        fields.put("st", "active");
        fields.put("c", Long.toString(now));
        fields.put("la", Long.toString(now));
        fields.put("ie", Long.toString(now + 86_400_000_000L));
        fields.put("ae", Long.toString(now + 7 * 86_400_000_000L));
        fields.put("it", "PT24H");
        fields.put("ki", Long.toString(now));
        if (principal != null) {
            fields.put("p", principal);
        }
        fields.put("a:theme", "\"dark\"");
        fields.put("a:counter", "0");
        fields.put("a:cart", "[101,202]");
        return fields;
    }

    private static String newKey() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    private String bucket(String key) {
        return prefix + "{" + key.substring(0, 2) + "}";
    }

    private String sessionKey(String key) {
        return bucket(key) + ":s:" + key;
    }
}
