package dev.sessionkit.postgres;

import static dev.sessionkit.testkit.Fixtures.json;
import static dev.sessionkit.testkit.Fixtures.newKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.Touch;
import dev.sessionkit.testkit.Fixtures;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Races the failure reports of other JDBC session stores are about: duplicate keys, sweeper deadlocks. */
final class ConcurrencyTest {

    private static final Instant T0 = MutableClock.DEFAULT_START;

    private static final int THREADS = 8;
    private static PostgresFixture.Database database;
    private static PostgresSessionStore store;

    @BeforeAll
    static void start() {
        database = PostgresFixture.freshDatabase();
        store = PostgresSessionStore.builder()
                .settings(PostgresStoreSettings.builder().table("raced").build())
                .dataSource(database.dataSource())
                .build();
    }

    @AfterAll
    static void stop() {
        store.close();
        database.close();
    }

    @BeforeEach
    void empty() {
        database.execute("truncate table raced");
    }

    @Test
    @Timeout(60)
    void concurrentCreatesWithTheSameKeyLetExactlyOneWinWithoutErrors() throws Exception {
        LookupKey key = newKey();

        List<Boolean> results = race(THREADS, thread -> store.create(
                Fixtures.session(T0).key(key).attribute("thread", json(String.valueOf(thread))).build()));

        assertThat(results).containsOnlyOnce(true);
        int winner = results.indexOf(true);
        assertThat(store.load(key, T0).orElseThrow().attributes()).containsEntry("thread", json(String.valueOf(winner)));
    }

    @Test
    @Timeout(60)
    void concurrentKeyChangesToTheSameKeyLetAtMostOneWinWithoutErrors() throws Exception {
        LookupKey target = newKey();
        List<SessionData> sessions = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            SessionData s = Fixtures.session(T0).attribute("n", json(String.valueOf(i))).build();
            store.create(s);
            sessions.add(s);
        }

        List<Optional<SessionData>> results = race(THREADS,
                thread -> store.changeKey(sessions.get(thread).key(), target, SessionDelta.empty(), T0));

        assertThat(results.stream().filter(Optional::isPresent)).hasSize(1);
        assertThat(store.findLive(T0, 100)).hasSize(THREADS);
    }

    @Test
    @Timeout(120)
    void sweepingWhileSessionsAreWrittenNeitherDeadlocksNorLosesALiveSession() throws Exception {
        Instant now = T0.plus(Duration.ofMinutes(20));
        Duration shortIdle = Duration.ofMinutes(10);
        List<LookupKey> live = new ArrayList<>();
        Set<LookupKey> expired = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            boolean expiring = i % 2 == 0;
            SessionData s = Fixtures.session(T0).attribute("i", json(String.valueOf(i))).principal("user" + (i % 10))
                    .idleExpiresAt(T0.plus(expiring ? shortIdle : Duration.ofHours(1))).build();
            store.create(s);
            (expiring ? expired : live).add(s.key());
        }
        Set<LookupKey> purged = ConcurrentHashMap.newKeySet();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger lostWrites = new AtomicInteger();

        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int offset = w;
                writers.add(pool.submit(() -> {
                    int round = 0;
                    while (writing.get() || round < 2) {
                        for (int i = offset; i < live.size(); i += 4) {
                            LookupKey key = live.get(i);
                            boolean written = i % 2 == 0
                                    ? store.apply(key, Fixtures.delta().increment("writes", 1).build(), now).isPresent()
                                    : store.touch(key, new Touch(now, now.plus(Duration.ofHours(1))), now);
                            if (!written) {
                                lostWrites.incrementAndGet();
                            }
                            // writes to expired sessions must fail, and must not block the sweep
                            store.apply(expiredKey(expired, i), Fixtures.delta().increment("late", 1).build(), now);
                        }
                        round++;
                    }
                    return null;
                }));
            }
            List<Future<?>> sweepers = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                sweepers.add(pool.submit(() -> {
                    List<LookupKey> batch;
                    do {
                        batch = store.purgeExpired(now, 25);
                        purged.addAll(batch);
                    } while (!batch.isEmpty());
                    return null;
                }));
            }
            for (Future<?> sweeper : sweepers) {
                sweeper.get(60, TimeUnit.SECONDS);
            }
            writing.set(false);
            for (Future<?> writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(store.purgeExpired(now, 1_000)).isEmpty();
        assertThat(purged).containsExactlyInAnyOrderElementsOf(expired);
        assertThat(lostWrites).hasValue(0);
        for (LookupKey key : live) {
            assertThat(store.load(key, now)).as("live session survives the sweep").isPresent();
        }
        assertThat(store.stats(now).active()).isEqualTo(live.size());
    }

    private static LookupKey expiredKey(Set<LookupKey> expired, int i) {
        return expired.stream().skip(i % expired.size()).findFirst().orElseThrow();
    }

    private static <T> List<T> race(int threads, IntFunction<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    go.await();
                    return task.apply(thread);
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
