package dev.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionLimitMode;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.testkit.Fixtures;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.redis.RedisFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A master of a real three-master, three-replica cluster is killed with SIGKILL under a load of
 * logins and increments; its replica takes over by itself (cluster-node-timeout 2 s). Every
 * operation either succeeds or fails with {@link StoreUnavailableException} (what the adapters
 * answer 200 and 503 for), the store serves every slot again within seconds, and every increment
 * the store acknowledged is in the promoted replica.
 */
final class RedisClusterFailoverTest {

    private static final Instant T0 = MutableClock.DEFAULT_START;
    private static final int SESSIONS = 64;
    private static final int THREADS = 4;

    @Test
    @Timeout(120)
    void killingAMasterUnderLoadLosesNoAcknowledgedIncrementAndRecoversWithinSeconds() throws Exception {
        try (RedisFixture.Cluster cluster = RedisFixture.newCluster();
                RedisSessionStore store = RedisSessionStore.builder()
                        .settings(RedisStoreSettings.builder()
                                .clusterNodes(List.of(cluster.seedNodes().split(",")))
                                .timeout(Duration.ofSeconds(1)).build())
                        .clock(MutableClock.create()).build()) {
            List<SessionData> sessions = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++) {
                SessionData session = Fixtures.session(T0).principal("user-" + (i % 8)).build();
                assertThat(store.create(session)).isTrue();
                sessions.add(session);
            }
            AtomicLongArray acknowledged = new AtomicLongArray(SESSIONS);
            AtomicLongArray attempted = new AtomicLongArray(SESSIONS);
            AtomicLong unavailable = new AtomicLong();
            AtomicLong succeeded = new AtomicLong();
            AtomicLong lastFailure = new AtomicLong();
            Map<String, Throwable> unexpected = new ConcurrentHashMap<>();
            AtomicBoolean running = new AtomicBoolean(true);

            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    while (running.get()) {
                        int i = ThreadLocalRandom.current().nextInt(SESSIONS);
                        try {
                            if (ThreadLocalRandom.current().nextInt(10) == 0) {
                                SessionData login = Fixtures.session(T0).principal("user-" + (i % 8)).build();
                                if (store.create(login)) {
                                    store.limitPrincipal(login.principal(), login.key(), 100,
                                            SessionLimitMode.REPLACE_OLDEST, T0);
                                }
                            } else {
                                attempted.incrementAndGet(i);
                                if (store.apply(sessions.get(i).key(), Fixtures.delta().increment("n", 1).build(),
                                        T0).isPresent()) {
                                    acknowledged.incrementAndGet(i);
                                }
                            }
                            succeeded.incrementAndGet();
                        } catch (StoreUnavailableException e) {
                            unavailable.incrementAndGet();
                            lastFailure.set(System.nanoTime());
                        } catch (Throwable e) {
                            unexpected.putIfAbsent(e.getClass().getName(), e);
                        }
                    }
                }));
            }

            Thread.sleep(1500);
            long before = succeeded.get();
            RedisFixture.Server master = cluster.masters().get(0);
            long killedAt = System.nanoTime();
            master.kill();

            // wait for a replica to take over, then for the store to serve every session again
            cluster.awaitHealthy(Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!everySessionAnswers(store, sessions)) {
                assertThat(System.nanoTime()).as("every slot served again within 30 s").isLessThan(deadline);
                Thread.sleep(50);
            }
            long recovered = System.nanoTime();
            Thread.sleep(1000); // load on the new topology
            running.set(false);
            for (Future<?> worker : workers) {
                worker.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();

            assertThat(unexpected).as("only StoreUnavailableException").isEmpty();
            assertThat(before).as("load ran before the kill").isPositive();
            assertThat(succeeded.get()).as("load ran after the failover").isGreaterThan(before);
            Duration outage = Duration.ofNanos(recovered - killedAt);
            System.out.printf("redis failover: served every slot again %d ms after the SIGKILL; %d operations "
                    + "succeeded, %d were unavailable; last failure %d ms after the kill%n", outage.toMillis(),
                    succeeded.get(), unavailable.get(),
                    lastFailure.get() == 0 ? 0 : Duration.ofNanos(lastFailure.get() - killedAt).toMillis());
            assertThat(outage).isLessThan(Duration.ofSeconds(20));

            for (int i = 0; i < SESSIONS; i++) {
                SessionData stored = store.load(sessions.get(i).key(), T0).orElseThrow();
                long n = stored.attributes().containsKey("n") ? stored.attributes().get("n").longValue() : 0;
                assertThat(n).as("session %d: acknowledged increments are all there, none applied twice", i)
                        .isBetween(acknowledged.get(i), attempted.get(i));
            }
        }
    }

    private static boolean everySessionAnswers(RedisSessionStore store, List<SessionData> sessions) {
        try {
            for (SessionData session : sessions) {
                LookupKey key = session.key();
                if (store.load(key, T0).isEmpty()) {
                    throw new AssertionError("session lost in the failover");
                }
            }
            return true;
        } catch (StoreUnavailableException e) {
            return false;
        }
    }
}
