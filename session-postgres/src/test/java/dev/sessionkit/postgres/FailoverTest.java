package dev.sessionkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.CommitResult;
import dev.sessionkit.RequestInfo;
import dev.sessionkit.Session;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failover as production meets it: a primary with a synchronous streaming standby, the store on a
 * multi-host {@code DATABASE_URL} naming both, logins and counter increments on a few threads, the
 * primary killed with SIGKILL, the standby promoted, the load going on. Every acknowledged login and
 * increment must be on the new primary; requests fail only with {@link StoreUnavailableException}
 * (503 in an adapter) and never for longer than the connect timeout.
 */
final class FailoverTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-failover";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** A call may wait the connect timeout for a connection, then run; this is the ceiling per call. */
    private static final long CALL_CEILING_MILLIS = CONNECT_TIMEOUT.toMillis() + 1_500;
    private static final long RECOVERY_CEILING_MILLIS = 10_000;
    private static final int THREADS = 4;
    private static final int INCREMENTS_PER_SESSION = 20;

    /** One logged-in session of a load thread, with what it was told. */
    private static final class Tracked {
        final String user;
        String cookie;
        long acknowledged;
        /** Increments whose commit failed: the write may or may not have reached the database. */
        long uncertain;

        Tracked(String user, String cookie) {
            this.user = user;
            this.cookie = cookie;
        }
    }

    private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    private final AtomicLong slowestCallMillis = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();
    private final AtomicLong firstWriteAfterNanos = new AtomicLong();
    private volatile long promotedAtNanos = Long.MAX_VALUE;
    private volatile boolean stop;

    @Test
    @Timeout(120)
    void acknowledgedWritesSurviveAKilledPrimaryAndTheStoreMovesToThePromotedStandby() throws Exception {
        try (PostgresFixture.ReplicatedPair pair = PostgresFixture.replicatedPair()) {
            String databaseUrl = "postgres://postgres@127.0.0.1:" + pair.primaryPort() + ",127.0.0.1:"
                    + pair.standbyPort() + "/postgres?target_session_attrs=read-write";
            Map<String, String> env = Map.of(
                    PostgresStoreSettings.DATABASE_URL, databaseUrl,
                    SessionSettings.SESSION_STORE, "postgres",
                    SessionSettings.SESSION_SECRET, SECRET,
                    PostgresStoreSettings.SESSION_TABLE, "failover",
                    PostgresStoreSettings.SESSION_DB_POOL_SIZE, "8",
                    PostgresStoreSettings.SESSION_DB_CONNECT_TIMEOUT, CONNECT_TIMEOUT.toMillis() + "ms");
            try (SessionManager manager = SessionManager.fromEnvironment(env)) {
                List<List<Tracked>> sessions = new ArrayList<>();
                ExecutorService load = Executors.newFixedThreadPool(THREADS);
                List<Future<?>> running = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    List<Tracked> own = new ArrayList<>();
                    sessions.add(own);
                    int thread = t;
                    running.add(load.submit(() -> run(manager, thread, own)));
                }
                try {
                    Thread.sleep(2_000);
                    long acknowledgedBeforeKill = acknowledged(sessions);

                    pair.killPrimary();
                    long killedAt = System.nanoTime();
                    // the time an operator or Patroni needs to notice; the load keeps knocking meanwhile
                    Thread.sleep(1_000);
                    promotedAtNanos = System.nanoTime();
                    pair.promoteStandby();
                    long promotionMillis = millisSince(promotedAtNanos);

                    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECOVERY_CEILING_MILLIS);
                    while (firstWriteAfterNanos.get() == 0 && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    assertThat(firstWriteAfterNanos.get()).as("a write succeeded after the promotion").isNotZero();
                    long recoveryMillis = (firstWriteAfterNanos.get() - promotedAtNanos) / 1_000_000;
                    long outageMillis = (firstWriteAfterNanos.get() - killedAt) / 1_000_000;
                    // the load goes on for a while on the new primary
                    Thread.sleep(1_500);
                    stop = true;
                    for (Future<?> thread : running) {
                        thread.get(30, TimeUnit.SECONDS);
                    }
                    System.out.printf("failover: pg_promote() took %d ms; first acknowledged write %d ms after the"
                            + " promotion began, %d ms after the kill; %d acknowledged increments before the kill,"
                            + " %d in all; %d calls answered StoreUnavailableException; slowest call %d ms%n",
                            promotionMillis, recoveryMillis, outageMillis, acknowledgedBeforeKill,
                            acknowledged(sessions), unavailable.get(), slowestCallMillis.get());

                    assertThat(unexpected).as("failures other than StoreUnavailableException").isEmpty();
                    assertThat(acknowledgedBeforeKill).as("load before the kill").isGreaterThan(20);
                    assertThat(unavailable.get()).as("the outage was seen").isPositive();
                    assertThat(slowestCallMillis.get()).as("slowest resolve or commit, ms").isLessThan(CALL_CEILING_MILLIS);
                    assertThat(recoveryMillis).as("promotion to first write, ms").isLessThan(RECOVERY_CEILING_MILLIS);
                    assertThat(acknowledged(sessions)).as("load after the promotion").isGreaterThan(acknowledgedBeforeKill);
                    assertEverythingAcknowledgedIsThere(manager, sessions);
                    assertStandbyRowsAreTheAcknowledgedOnes(pair, sessions);
                } finally {
                    stop = true;
                    load.shutdownNow();
                    load.awaitTermination(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    /**
     * One load thread: logs a user in, increments the session's counter
     * {@value #INCREMENTS_PER_SESSION} times, logs the next user in, and so on, keeping count of
     * what the store acknowledged and of what it may or may not have written.
     */
    private void run(SessionManager manager, int thread, List<Tracked> own) {
        Tracked current = null;
        while (!stop) {
            try {
                if (current == null || current.acknowledged + current.uncertain >= INCREMENTS_PER_SESSION) {
                    String user = "failover-" + thread + "-" + own.size();
                    SessionContext visit = timed(() -> manager.resolve(RequestInfo.ofCookie(null)));
                    Session session = visit.getOrCreate();
                    session.set("n", 0);
                    session.login(user);
                    CommitResult login = timed(() -> manager.commit(visit));
                    current = new Tracked(user, cookieOf(login.setCookie().orElseThrow()));
                    synchronized (own) {
                        own.add(current);
                    }
                    wrote();
                } else {
                    String cookie = current.cookie;
                    SessionContext request = timed(() -> manager.resolve(RequestInfo.ofCookie(cookie)));
                    if (request.session().isEmpty()) {
                        unexpected.add("the acknowledged session of " + current.user + " was not found");
                        current = null;
                        continue;
                    }
                    request.session().get().increment("n", 1);
                    CommitResult result;
                    try {
                        result = timed(() -> manager.commit(request));
                    } catch (StoreUnavailableException e) {
                        synchronized (own) {
                            current.uncertain++;
                        }
                        throw e;
                    }
                    synchronized (own) {
                        current.acknowledged++;
                    }
                    if (result.setCookie().isPresent()) {
                        current.cookie = cookieOf(result.setCookie().get());
                    }
                    wrote();
                }
            } catch (StoreUnavailableException e) {
                unavailable.incrementAndGet();
            } catch (RuntimeException e) {
                unexpected.add(e.toString());
            }
        }
    }

    private void wrote() {
        if (System.nanoTime() > promotedAtNanos) {
            firstWriteAfterNanos.compareAndSet(0, System.nanoTime());
        }
    }

    private <T> T timed(Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            slowestCallMillis.accumulateAndGet(millisSince(start), Math::max);
        }
    }

    private static void assertEverythingAcknowledgedIsThere(SessionManager manager, List<List<Tracked>> sessions) {
        for (List<Tracked> own : sessions) {
            for (Tracked tracked : own) {
                SessionContext context = manager.resolve(RequestInfo.ofCookie(tracked.cookie));
                assertThat(context.session()).as("session of %s", tracked.user).isPresent();
                Session session = context.session().get();
                assertThat(session.principal()).contains(tracked.user);
                long stored = session.get("n", Long.class).orElseThrow();
                assertThat(stored).as("counter of %s: acknowledged %d, uncertain %d", tracked.user,
                        tracked.acknowledged, tracked.uncertain)
                        .isBetween(tracked.acknowledged, tracked.acknowledged + tracked.uncertain);
            }
        }
    }

    /** The same check with SQL on the promoted standby itself, past the store. */
    private static void assertStandbyRowsAreTheAcknowledgedOnes(PostgresFixture.ReplicatedPair pair,
            List<List<Tracked>> sessions) throws Exception {
        long acknowledgedLogins = sessions.stream().mapToLong(List::size).sum();
        try (Connection connection = DriverManager.getConnection(pair.standbyJdbcUrl());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select count(*), coalesce(sum((data->>'n')::bigint), 0)"
                        + " from failover where principal like 'failover-%' and status = 'active'")) {
            assertThat(rows.next()).isTrue();
            // a login whose commit failed may still have been written: at least the acknowledged ones
            assertThat(rows.getLong(1)).as("logged-in rows on the promoted standby").isGreaterThanOrEqualTo(acknowledgedLogins);
            assertThat(rows.getLong(2)).as("sum of the counters").isGreaterThanOrEqualTo(acknowledged(sessions));
        }
    }

    private static long acknowledged(List<List<Tracked>> sessions) {
        long sum = 0;
        for (List<Tracked> own : sessions) {
            synchronized (own) {
                for (Tracked tracked : own) {
                    sum += tracked.acknowledged;
                }
            }
        }
        return sum;
    }

    private static String cookieOf(String setCookie) {
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
