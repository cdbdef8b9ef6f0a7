package dev.sessionkit.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.sessionkit.RequestInfo;
import dev.sessionkit.Session;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.postgres.PostgresSessionStore;
import dev.sessionkit.postgres.PostgresStoreSettings;
import dev.sessionkit.testkit.CountingDataSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * sessionkit: {@link PostgresSessionStore} through {@link SessionManager}, exactly what an adapter
 * does per request: {@code resolve} with the request's {@code Cookie} header, work on the session,
 * {@code commit}. Default settings (touch interval 5 minutes, no rolling, no resave).
 */
final class SessionkitContender implements DbContender {

    static final String NAME = "sessionkit";

    private final HikariDataSource pool;
    private final CountingDataSource counting;
    private final SessionSettings settings;
    private final PostgresSessionStore store;
    private final SessionManager manager;
    /** The same store with touch interval zero: the access time written on every request. */
    private final SessionManager touchingManager;
    /**
     * The same store with a touch interval of 30 minutes: no seeded session (last access at most
     * 5 minutes back) falls due in a run, so a read-only request is its one SELECT, the statement
     * raw JDBC runs.
     */
    private final SessionManager quietManager;
    private String[] cookies = new String[0];

    SessionkitContender(String jdbcUrl, boolean countStatements) {
        this(jdbcUrl, countStatements, MetricsOverhead.OFF);
    }

    /**
     * With {@code metrics} one of {@link MetricsOverhead}'s variants: {@code off}; {@code timers}
     * (the Micrometer binding on a Prometheus registry); {@code observations} (the binding with an
     * observation registry whose meter handler makes the timers, as in Spring Boot).
     */
    SessionkitContender(String jdbcUrl, boolean countStatements, String metrics) {
        this.pool = BenchDatabase.pool(jdbcUrl, NAME, countStatements);
        this.counting = BenchDatabase.counting(pool, countStatements);
        this.settings = SessionSettings.builder().secrets(Shapes.SECRET).build();
        // touches as before issue 18 (one UPDATE on the request thread), so that statement counts and
        // earlier runs stay comparable; write-behind is measured by session-postgres' TouchModeMeasurement
        this.store = PostgresSessionStore.builder().dataSource(counting)
                .settings(PostgresStoreSettings.builder().touchMode(PostgresStoreSettings.TouchMode.SYNC).build())
                .build();
        SessionManager.Builder builder = SessionManager.builder().settings(settings).store(store).sweeper(false);
        this.manager = MetricsOverhead.build(builder, metrics);
        this.touchingManager = SessionManager.builder()
                .settings(SessionSettings.builder().secrets(Shapes.SECRET).touchInterval(Duration.ZERO).build())
                .store(store).sweeper(false).build();
        this.quietManager = SessionManager.builder()
                .settings(SessionSettings.builder().secrets(Shapes.SECRET).touchInterval(Duration.ofMinutes(30)).build())
                .store(store).sweeper(false).build();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CountingDataSource counting() {
        return counting;
    }

    SessionManager manager() {
        return manager;
    }

    /** The store all of this contender's managers share. */
    PostgresSessionStore store() {
        return store;
    }

    /** The settings of {@link #manager()}: the defaults, with the bench's secret. */
    SessionSettings settings() {
        return settings;
    }

    /** The pool under {@link #store()}, for setup SQL. */
    HikariDataSource pool() {
        return pool;
    }

    @Override
    public void seed(Path dir, int sessions, int principals) {
        // last accesses spread over one touch interval, as in a steady state: each session's touch
        // falls due once per interval, not all at once and not never
        BackdatedClock clock = new BackdatedClock();
        long spreadMillis = settings.touchInterval().toMillis();
        try (SessionManager seeding = SessionManager.builder().settings(settings).store(store).clock(clock)
                .sweeper(false).build()) {
            List<String> handles = Parallel.map(sessions, i -> {
                clock.back(Duration.ofMillis(ThreadLocalRandom.current().nextLong(spreadMillis)));
                return Shapes.createWithAttributes(seeding, null);
            });
            Parallel.map(principals * SESSIONS_PER_PRINCIPAL,
                    i -> Shapes.createWithAttributes(seeding, Shapes.principal(i / SESSIONS_PER_PRINCIPAL)));
            DbContender.writeHandles(dir, NAME, handles);
        }
    }

    @Override
    public void attach(Path dir) {
        cookies = DbContender.readHandles(dir, NAME);
    }

    @Override
    public void attach(String[] handles) {
        cookies = handles.clone();
    }

    @Override
    public int sessions() {
        return cookies.length;
    }

    /** The cookie headers of the seeded sessions (shared, not copied: do not change them). */
    String[] cookies() {
        return cookies;
    }

    @Override
    public void readOnly(int i) {
        SessionContext context = manager.resolve(RequestInfo.ofCookie(cookies[i]));
        Session session = context.session().orElseThrow(() -> new IllegalStateException("seeded session missing"));
        if (session.get(Shapes.THEME, String.class).isEmpty()) {
            throw new IllegalStateException("attribute missing");
        }
        manager.commit(context);
    }

    /** {@link #readOnly} where no touch falls due: the SELECT alone, as raw JDBC's read-only request. */
    void readOnlyUntouched(int i) {
        SessionContext context = quietManager.resolve(RequestInfo.ofCookie(cookies[i]));
        Session session = context.session().orElseThrow(() -> new IllegalStateException("seeded session missing"));
        if (session.get(Shapes.THEME, String.class).isEmpty()) {
            throw new IllegalStateException("attribute missing");
        }
        quietManager.commit(context);
    }

    @Override
    public void readTouch(int i) {
        SessionContext context = touchingManager.resolve(RequestInfo.ofCookie(cookies[i]));
        Session session = context.session().orElseThrow(() -> new IllegalStateException("seeded session missing"));
        if (session.get(Shapes.THEME, String.class).isEmpty()) {
            throw new IllegalStateException("attribute missing");
        }
        touchingManager.commit(context);
    }

    @Override
    public void modifySet(int i) {
        SessionContext context = manager.resolve(RequestInfo.ofCookie(cookies[i]));
        Session session = context.session().orElseThrow(() -> new IllegalStateException("seeded session missing"));
        long counter = session.get(Shapes.COUNTER, Long.class).orElse(0L);
        session.set(Shapes.COUNTER, counter + 1);
        manager.commit(context);
    }

    @Override
    public void modify(int i) {
        SessionContext context = manager.resolve(RequestInfo.ofCookie(cookies[i]));
        Session session = context.session().orElseThrow(() -> new IllegalStateException("seeded session missing"));
        session.increment(Shapes.COUNTER, 1);
        manager.commit(context);
    }

    @Override
    public void create() {
        Shapes.createWithAttributes(manager, null);
    }

    @Override
    public void login() {
        SessionContext visit = manager.resolve(RequestInfo.ofCookie(null));
        visit.getOrCreate().set(Shapes.CART, Shapes.CART_VALUE);
        String cookie = Shapes.cookieOf(manager.commit(visit));
        SessionContext signIn = manager.resolve(RequestInfo.ofCookie(cookie));
        signIn.session().orElseThrow(() -> new IllegalStateException("new session missing"))
                .login("login-" + ThreadLocalRandom.current().nextInt(1_000_000));
        Shapes.cookieOf(manager.commit(signIn));
    }

    @Override
    public String prepareLogout() {
        return Shapes.createWithAttributes(manager, "logout-" + ThreadLocalRandom.current().nextInt(1_000_000));
    }

    @Override
    public void logout(String cookie) {
        SessionContext context = manager.resolve(RequestInfo.ofCookie(cookie));
        if (context.session().isEmpty()) {
            throw new IllegalStateException("session to log out missing");
        }
        context.invalidate();
        if (manager.commit(context).setCookie().isEmpty()) {
            throw new IllegalStateException("logout cleared no cookie");
        }
    }

    @Override
    public int listByPrincipal(int principal) {
        return manager.sessionsOf(Shapes.principal(principal)).size();
    }

    @Override
    public void seedExpired(int rows) {
        // the row shape PostgresSessionStore writes; lookup keys are SHA-256 digests like real ones
        Sql.execute(pool, "insert into sessions (key, data, principal, created_at, last_accessed_at, idle_expires_at,"
                + " absolute_expires_at, idle_timeout_ms, ip, user_agent, status, version)"
                + " select sha256(convert_to(gen_random_uuid()::text, 'UTF8')),"
                + " '{\"theme\":\"dark\",\"counter\":0,\"cart\":[101,202]}'::jsonb, null,"
                + " now() - interval '2 days', now() - interval '2 days', now() - interval '1 day',"
                + " now() + interval '5 days', 86400000, '127.0.0.1', 'bench', 'active', 0"
                + " from generate_series(1, " + rows + ")");
        Sql.execute(pool, "vacuum analyze sessions");
    }

    @Override
    public void purge() {
        manager.sweepNow();
    }

    @Override
    public long countExpired() {
        return Sql.count(pool, "select count(*) from sessions where status = 'active' and expires_at <= now()");
    }

    @Override
    public void settle() {
        store.flush();
    }

    @Override
    public void close() {
        touchingManager.close();
        quietManager.close();
        manager.close();
        store.close();
        pool.close();
    }

    /** The system clock, set back per thread by a chosen amount; for seeding only. */
    static final class BackdatedClock extends Clock {

        private final ThreadLocal<Duration> back = ThreadLocal.withInitial(() -> Duration.ZERO);

        void back(Duration amount) {
            back.set(amount);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return Clock.systemUTC().instant().minus(back.get());
        }
    }
}
