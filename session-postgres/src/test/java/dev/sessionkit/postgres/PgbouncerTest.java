package dev.sessionkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionkit.SessionData;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.testkit.CountingDataSource;
import dev.sessionkit.testkit.SocketRoundTrips;
import dev.sessionkit.testkit.Fixtures;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The store behind a real pgbouncer in transaction mode with two server connections: the
 * migration, statement timeouts and statement counts, on the store's own pool and on an
 * application's {@code DataSource}.
 */
@Timeout(120)
final class PgbouncerTest {

    private static final Instant T0 = MutableClock.DEFAULT_START;
    /** A trigger sleeps this long on an update that sets the attribute "slow". */
    private static final long SLEEP_MILLIS = 3_000;
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private static PostgresFixture.Database database;
    private static Pgbouncer pgbouncer;

    @BeforeAll
    static void start() {
        database = PostgresFixture.freshDatabase();
        pgbouncer = Pgbouncer.start(database, 2);
    }

    @AfterAll
    static void stop() {
        pgbouncer.close();
        database.close();
    }

    @Test
    void tenInstancesMigratingAtOnceThroughPgbouncerCreateTheTableOnce() throws Exception {
        PostgresStoreSettings settings = PostgresStoreSettings.builder().schema("bounced").table("sessions").build();
        int instances = 10;
        List<CountingDataSource> sources = new ArrayList<>();
        List<HikariDataSource> pools = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(instances);
        try {
            for (int i = 0; i < instances; i++) {
                HikariDataSource pool = applicationPool("prepareThreshold=0");
                pools.add(pool);
                sources.add(CountingDataSource.of(pool));
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<PostgresSessionStore>> started = new ArrayList<>();
            for (CountingDataSource source : sources) {
                started.add(threads.submit(() -> {
                    go.await();
                    return PostgresSessionStore.builder().settings(settings).dataSource(source).build();
                }));
            }
            go.countDown();
            for (Future<PostgresSessionStore> store : started) {
                store.get(60, TimeUnit.SECONDS).close();
            }
        } finally {
            threads.shutdownNow();
            pools.forEach(HikariDataSource::close);
        }
        List<CountingDataSource> creators = sources.stream()
                .filter(s -> s.executed().stream().anyMatch(sql -> sql.startsWith("create table"))).toList();
        assertThat(creators).as("instances that ran the DDL").hasSize(1);
        assertThat(creators.get(0).executed()).as("the lock is the transaction's, no unlock")
                .anyMatch(sql -> sql.contains("pg_advisory_xact_lock")).noneMatch(sql -> sql.contains("unlock"));
        assertThat(query("select count(*) from pg_tables where schemaname = 'bounced'")).isEqualTo(1);
        assertThat(query("select count(*) from pg_locks where locktype = 'advisory'")).as("advisory locks left").isZero();
    }

    @Test
    void statementTimeoutOfTheOwnPoolFiresThroughPgbouncerAndTheConnectionStaysUsable() {
        PostgresStoreSettings settings = PostgresStoreSettings.builder().table("timed_own").poolSize(1)
                .statementTimeout(TIMEOUT).databaseUrl(pgbouncer.databaseUrl(database.name(), "pgbouncer=true")).build();
        assertThat(settings.preparedStatements()).as("pgbouncer=true turns prepared statements off").isFalse();
        try (PostgresSessionStore store = PostgresSessionStore.builder().settings(settings).build()) {
            assertTimesOutAndRecovers(store, "timed_own");
        }
    }

    @Test
    void statementTimeoutAppliesToAnApplicationDataSourceThroughPgbouncer() {
        try (HikariDataSource app = applicationPool("")) {
            app.setMaximumPoolSize(1);
            PostgresStoreSettings settings = PostgresStoreSettings.builder().table("timed_app").statementTimeout(TIMEOUT)
                    .preparedStatements(false).build();
            try (PostgresSessionStore store = PostgresSessionStore.builder().settings(settings).dataSource(app).build()) {
                assertTimesOutAndRecovers(store, "timed_app");
            }
        }
    }

    @Test
    void statementTimeoutOffLeavesAnApplicationDataSourceAlone() {
        try (HikariDataSource app = applicationPool("prepareThreshold=0")) {
            PostgresStoreSettings settings = PostgresStoreSettings.fromEnvironment(java.util.Map.of(
                    "SESSION_TABLE", "untimed_app", "SESSION_DB_STATEMENT_TIMEOUT", "off"));
            assertThat(settings.statementTimeout()).isZero();
            try (PostgresSessionStore store = PostgresSessionStore.builder().settings(settings).dataSource(app).build()) {
                installSlowTrigger("untimed_app");
                SessionData session = Fixtures.session(T0).build();
                store.create(session);
                long start = System.nanoTime();

                assertThat(store.apply(session.key(), Fixtures.delta().set("slow", "true").build(), T0)).isPresent();

                assertThat(millisSince(start)).isGreaterThanOrEqualTo(SLEEP_MILLIS);
            }
        }
    }

    @Test
    void everyOperationIsStillOneStatementOnOneConnectionThroughPgbouncer() {
        try (HikariDataSource app = applicationPool(SocketRoundTrips.PGJDBC_PARAMETERS)) {
            CountingDataSource counting = CountingDataSource.atSocket(app);
            PostgresStoreSettings settings = PostgresStoreSettings.builder().table("counted").preparedStatements(false)
                    .build();
            try (PostgresSessionStore store = PostgresSessionStore.builder().settings(settings).dataSource(counting)
                    .build()) {
                // three rounds: pgjdbc would switch to named statements from the fifth use without the setting
                for (int round = 0; round < 3; round++) {
                    StatementCountTest.assertEveryOperationIsOneStatementOnOneConnection(store, counting);
                    // a transaction of the store's own (lock, update, commit) on the application's pool
                    SessionData login = Fixtures.session(T0).principal("bob").build();
                    store.create(login);
                    store.limitPrincipal("bob", login.key(), 1, dev.sessionkit.SessionLimitMode.REPLACE_OLDEST, T0);
                }
            }
        }
    }

    @Test
    void namedPreparedStatementsBreakThroughPgbouncerWithoutTheSetting() throws Exception {
        // what the setting is for: pgbouncer 1.18 sends the named statements of one client
        // connection to whichever server connection is free
        try (HikariDataSource app = applicationPool("")) {
            app.setMaximumPoolSize(8);
            PostgresStoreSettings settings = PostgresStoreSettings.builder().table("named").build();
            assertThat(settings.preparedStatements()).isTrue();
            try (PostgresSessionStore store = PostgresSessionStore.builder().settings(settings).dataSource(app).build()) {
                SessionData session = Fixtures.session(T0).build();
                store.create(session);
                ExecutorService threads = Executors.newFixedThreadPool(8);
                List<Future<Integer>> failures = new ArrayList<>();
                try {
                    for (int t = 0; t < 8; t++) {
                        failures.add(threads.submit(() -> {
                            int failed = 0;
                            for (int i = 0; i < 100; i++) {
                                try {
                                    store.load(session.key(), T0);
                                } catch (StoreUnavailableException e) {
                                    failed++;
                                }
                            }
                            return failed;
                        }));
                    }
                    int failed = 0;
                    for (Future<Integer> f : failures) {
                        failed += f.get(60, TimeUnit.SECONDS);
                    }
                    assertThat(failed).as("loads that failed on named prepared statements").isPositive();
                } finally {
                    threads.shutdownNow();
                }
            }
        }
    }

    private static void assertTimesOutAndRecovers(PostgresSessionStore store, String table) {
        installSlowTrigger(table);
        SessionData session = Fixtures.session(T0).attribute("n", "1").build();
        store.create(session);
        long start = System.nanoTime();

        assertThatThrownBy(() -> store.apply(session.key(), Fixtures.delta().set("slow", "true").build(), T0))
                .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
                    assertThat(e.operation()).isEqualTo("apply");
                    assertThat(e.getCause()).isInstanceOf(SQLException.class);
                    assertThat(((SQLException) e.getCause()).getSQLState()).isEqualTo("57014");
                });
        long took = millisSince(start);

        assertThat(took).as("ms until the timeout fired").isGreaterThanOrEqualTo(TIMEOUT.toMillis() - 50)
                .isLessThan(TIMEOUT.toMillis() + 1_500);
        // the same (only) pooled connection serves the next statements, and the cancelled update left nothing
        for (int i = 0; i < 10; i++) {
            assertThat(store.load(session.key(), T0)).map(s -> s.attributes().containsKey("slow")).contains(false);
        }
        assertThat(store.apply(session.key(), Fixtures.delta().increment("n", 1).build(), T0)).isPresent();
    }

    private static void installSlowTrigger(String table) {
        database.execute("create or replace function sessionkit_slow() returns trigger language plpgsql as $$"
                + " begin if new.data ? 'slow' then perform pg_sleep(" + SLEEP_MILLIS / 1000.0 + "); end if;"
                + " return new; end $$");
        database.execute("create trigger slow before update on \"" + table + "\" for each row execute function"
                + " sessionkit_slow()");
    }

    /** An application's own pool through pgbouncer, with extra JDBC URL parameters. */
    private static HikariDataSource applicationPool(String parameters) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(pgbouncer.jdbcUrl(database.name(), parameters));
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }

    private static long query(String sql) throws SQLException {
        DataSource direct = database.dataSource();
        try (Connection connection = direct.getConnection(); PreparedStatement ps = connection.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
