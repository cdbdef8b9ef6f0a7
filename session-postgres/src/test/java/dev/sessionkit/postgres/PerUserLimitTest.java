package dev.sessionkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.CommitResult;
import dev.sessionkit.RequestInfo;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionLimitMode;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.testkit.CountingDataSource;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The per-user limit on PostgreSQL as an application meets it: 16 browsers sign the same user in at
 * the same moment through {@link SessionManager}, each as its own anonymous session rotated at
 * login, and exactly the limit survives — every time.
 */
final class PerUserLimitTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-test";
    private static final int LOGINS = 16;
    private static final int MAX = 2;

    private static PostgresFixture.Database database;
    private static com.zaxxer.hikari.HikariDataSource pool;
    private static CountingDataSource counting;
    private static PostgresSessionStore store;

    @BeforeAll
    static void start() {
        database = PostgresFixture.freshDatabase();
        pool = StatementCountTest.socketCountedPool(database.jdbcUrl(), 8);
        counting = CountingDataSource.atSocket(pool);
        store = PostgresSessionStore.builder().settings(PostgresStoreSettings.builder().table("limited").build())
                .dataSource(counting).build();
    }

    @AfterAll
    static void stop() {
        store.close();
        pool.close();
        database.close();
    }

    private static SessionManager manager(SessionLimitMode mode) {
        SessionSettings settings = SessionSettings.builder().secrets(SECRET).maxSessionsPerUser(MAX)
                .sessionLimitMode(mode).build();
        return SessionManager.builder().settings(settings).store(store).sweeper(false).build();
    }

    /** An anonymous visit that stores a cart, then the login; returns the login's commit result. */
    private static CommitResult visitAndLogin(SessionManager manager, String user, CountDownLatch go)
            throws InterruptedException {
        SessionContext visit = manager.resolve(RequestInfo.ofCookie(null));
        visit.getOrCreate().set("cart", 1);
        String setCookie = manager.commit(visit).setCookie().orElseThrow();
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        go.await();
        SessionContext login = manager.resolve(RequestInfo.ofCookie(cookie));
        login.session().orElseThrow().login(user);
        return manager.commit(login);
    }

    @ParameterizedTest
    @EnumSource(SessionLimitMode.class)
    @Timeout(120)
    void sixteenParallelLoginsLeaveExactlyTheLimitEveryTime(SessionLimitMode mode) throws Exception {
        SessionManager manager = manager(mode);
        for (int round = 0; round < 10; round++) {
            String user = "parallel-" + mode.code() + "-" + round;
            ExecutorService pool = Executors.newFixedThreadPool(LOGINS);
            List<Future<CommitResult>> logins = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            try {
                for (int i = 0; i < LOGINS; i++) {
                    logins.add(pool.submit(() -> visitAndLogin(manager, user, go)));
                }
                Thread.sleep(50);
                go.countDown();
                int refused = 0;
                for (Future<CommitResult> login : logins) {
                    refused += login.get(60, TimeUnit.SECONDS).loginRefused() ? 1 : 0;
                }
                assertThat(manager.sessionsOf(user)).as("%s round %d", mode, round).hasSize(MAX);
                assertThat(refused).as("refused logins, %s round %d", mode, round)
                        .isEqualTo(mode == SessionLimitMode.REFUSE_NEW ? LOGINS - MAX : 0);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aLoginUnderALimitCostsOneTransactionOfThreeStatementsBesideTheRotation() throws Exception {
        SessionManager manager = manager(SessionLimitMode.REPLACE_OLDEST);
        SessionContext visit = manager.resolve(RequestInfo.ofCookie(null));
        visit.getOrCreate().set("cart", 1);
        String setCookie = manager.commit(visit).setCookie().orElseThrow();
        SessionContext login = manager.resolve(RequestInfo.ofCookie(setCookie.substring(0, setCookie.indexOf(';'))));
        login.session().orElseThrow().login("counted");
        counting.reset();

        manager.commit(login);
        store.flush();

        // changeKey (one UPDATE), then the limit: the lock and one UPDATE … RETURNING, and its commit;
        // beside the request, the announcer's one statement telling other instances of the move
        CountingDataSource.Counts counts = counting.counts();
        assertThat(counts.statements()).as(counting.executed().toString()).isEqualTo(4);
        assertThat(counting.executed().toString()).contains("pg_notify");
        assertThat(counts.commits()).isEqualTo(1);
        assertThat(counts.roundTrips()).as("four executes and the commit, at the socket").isEqualTo(5);
        assertThat(counts.connections()).isEqualTo(3);
    }
}
