package dev.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.testkit.Fixtures;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.RecordingListener;
import dev.sessionkit.testkit.Requests;
import dev.sessionkit.testkit.redis.RedisFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two instances (two stores, two managers) on one Redis and one key prefix: what one does to a
 * session, the other's listeners hear within a second through pub/sub; an instance never hears its
 * own events twice; another prefix hears nothing; a restarted server is reported as a gap, and
 * events flow again after it. On one server and on a Redis Cluster.
 */
@Timeout(120)
final class RedisClusterEventsTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-test";
    private static final Duration HEARD_WITHIN = Duration.ofSeconds(1);

    private final MutableClock clock = MutableClock.create();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final String prefix = "events-" + UUID.randomUUID() + ":";

    private record Instance(RedisSessionStore store, SessionManager manager, RecordingListener heard) {
    }

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(open);
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    private Instance instance(RedisStoreSettings settings) throws InterruptedException {
        Instance instance = quietInstance(settings);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!instance.store().feedListening()) {
            assertThat(System.nanoTime()).as("the event feed subscribes").isLessThan(deadline);
            Thread.sleep(10);
        }
        return instance;
    }

    /** An instance whose feed is not waited for (with events off it never listens). */
    private Instance quietInstance(RedisStoreSettings settings) {
        RedisSessionStore store = RedisSessionStore.builder().settings(settings).clock(clock).build();
        RecordingListener heard = new RecordingListener();
        SessionManager manager = SessionManager.builder()
                .settings(SessionSettings.builder().secrets(SECRET).ttl(Duration.ofMinutes(30)).maxSessionsPerUser(1)
                        .build())
                .store(store).clock(clock).sweeper(false).listener(heard).build();
        open.add(store);
        open.add(manager);
        return new Instance(store, manager, heard);
    }

    private Instance onServer(String url, String keyPrefix) throws InterruptedException {
        return instance(RedisStoreSettings.builder().url(url).keyPrefix(keyPrefix).timeout(Duration.ofSeconds(1)).build());
    }



    @Test
    void aLogoutIsHeardOnTheOtherInstanceWithinASecondNotTwiceWhereItHappenedNorOnAnotherPrefix() throws Exception {
        String url = RedisFixture.server().url();
        Instance a = onServer(url, prefix);
        Instance b = onServer(url, prefix);
        Instance other = onServer(url, "other-" + prefix);
        String cookie = Requests.request(a.manager(), null, c -> c.getOrCreate().login("alice"));
        LookupKey key = Requests.keyOf(a.manager(), cookie);

        Requests.request(a.manager(), cookie, c -> c.session().orElseThrow().invalidate());

        b.heard().await(e -> e.equals("elsewhere:logged_out:" + key.value()), HEARD_WITHIN);
        Thread.sleep(300); // a wrong echo has had time to come
        assertThat(a.heard().snapshot()).contains("destroyed:logged_out:" + key.value())
                .noneMatch(e -> e.startsWith("elsewhere"));
        assertThat(b.heard().snapshot()).filteredOn(e -> e.startsWith("elsewhere:")).hasSize(1);
        assertThat(other.heard().snapshot()).isEmpty();
    }

    @Test
    void withEventsOffAnInstancePublishesNothingAndHearsNothing() throws Exception {
        String url = RedisFixture.server().url();
        Instance quiet = quietInstance(RedisStoreSettings.fromEnvironment(java.util.Map.of("REDIS_URL", url,
                "SESSION_REDIS_KEY_PREFIX", prefix, "SESSION_REDIS_EVENTS", "false")));
        Instance loud = onServer(url, prefix);
        Instance listener = onServer(url, prefix);
        assertThat(quiet.store().feedListening()).as("no pub/sub connection with events off").isFalse();

        String quietCookie = Requests.request(quiet.manager(), null, c -> c.getOrCreate().login("alice"));
        LookupKey quietKey = Requests.keyOf(quiet.manager(), quietCookie);
        Requests.request(quiet.manager(), quietCookie, c -> c.session().orElseThrow().invalidate());
        String loudCookie = Requests.request(loud.manager(), null, c -> c.getOrCreate().login("bob"));
        LookupKey loudKey = Requests.keyOf(loud.manager(), loudCookie);
        Requests.request(loud.manager(), loudCookie, c -> c.session().orElseThrow().invalidate());

        // the instance with events on is heard (so the listener works), the one with events off not
        listener.heard().await(e -> e.equals("elsewhere:logged_out:" + loudKey.value()), HEARD_WITHIN);
        Thread.sleep(300);
        assertThat(listener.heard().snapshot()).noneMatch(e -> e.contains(quietKey.value()));
        assertThat(quiet.heard().snapshot()).as("events off: other instances are not heard either")
                .contains("destroyed:logged_out:" + quietKey.value())
                .noneMatch(e -> e.startsWith("elsewhere"));
    }

    @Test
    void idChangesReplacementsRevocationsAndExpiryAreHeardWithTheirReasons() throws Exception {
        String url = RedisFixture.server().url();
        Instance a = onServer(url, prefix);
        Instance b = onServer(url, prefix);

        String anonymous = Requests.request(a.manager(), null, c -> c.getOrCreate().set("cart", 1));
        LookupKey before = Requests.keyOf(a.manager(), anonymous);
        Requests.request(a.manager(), anonymous, c -> c.session().orElseThrow().login("alice"));
        LookupKey firstKey = a.manager().sessionsOf("alice").get(0).key();
        b.heard().await(e -> e.equals("elsewhere-moved:" + before.value() + ":" + firstKey.value()), HEARD_WITHIN);

        Requests.request(a.manager(), null, c -> c.getOrCreate().login("alice")); // limit 1: the first is replaced
        b.heard().await(e -> e.equals("elsewhere:replaced:" + firstKey.value()), HEARD_WITHIN);

        LookupKey secondKey = a.manager().sessionsOf("alice").get(0).key();
        assertThat(a.manager().revokeAll("alice", SessionStatus.REVOKED)).isEqualTo(1);
        b.heard().await(e -> e.equals("elsewhere:revoked:" + secondKey.value()), HEARD_WITHIN);

        Set<String> expiring = new HashSet<>();
        for (int i = 0; i < 150; i++) {
            SessionData session = Fixtures.session(clock.instant()).build();
            a.store().create(session);
            expiring.add("elsewhere:expired:" + session.key().value());
        }
        clock.advance(Duration.ofDays(8));
        assertThat(a.manager().sweepNow()).isGreaterThanOrEqualTo(150);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!b.heard().snapshot().containsAll(expiring) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(b.heard().snapshot()).containsAll(expiring);
        assertThat(a.heard().snapshot()).noneMatch(e -> e.startsWith("elsewhere"));
    }

    @Test
    void aRestartedServerIsReportedAsAGapAndEventsFlowAgain() throws Exception {
        try (RedisFixture.Server server = RedisFixture.newServer()) {
            Instance a = onServer(server.url(), prefix);
            Instance b = onServer(server.url(), prefix);

            server.kill();
            server.restart();

            b.heard().await("missed"::equals, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!b.store().feedListening()) {
                assertThat(System.nanoTime()).as("the feed resubscribes").isLessThan(deadline);
                Thread.sleep(20);
            }
            String cookie = null;
            while (cookie == null) {
                try {
                    cookie = Requests.request(a.manager(), null, c -> c.getOrCreate().login("alice"));
                } catch (dev.sessionkit.StoreUnavailableException e) {
                    assertThat(System.nanoTime()).as("requests recover after the restart").isLessThan(deadline);
                    Thread.sleep(100);
                }
            }
            LookupKey key = Requests.keyOf(a.manager(), cookie);
            Requests.request(a.manager(), cookie, c -> c.session().orElseThrow().invalidate());
            b.heard().await(e -> e.equals("elsewhere:logged_out:" + key.value()), Duration.ofSeconds(5));
            a.manager().close();
            b.manager().close();
            a.store().close();
            b.store().close();
        }
    }

    @Test
    void onARedisClusterAnEventPublishedOnOneNodeReachesASubscriberOnAnother() throws Exception {
        RedisStoreSettings settings = RedisStoreSettings.builder()
                .clusterNodes(List.of(RedisFixture.cluster().seedNodes().split(",")))
                .keyPrefix(prefix).timeout(Duration.ofSeconds(2)).build();
        Instance a = instance(settings);
        Instance b = instance(settings);
        List<LookupKey> keys = new ArrayList<>();
        for (int i = 0; i < 8; i++) { // keys on different slots, so on different masters
            String cookie = Requests.request(a.manager(), null, c -> c.getOrCreate().set("n", 1));
            keys.add(Requests.keyOf(a.manager(), cookie));
            Requests.request(a.manager(), cookie, c -> c.session().orElseThrow().invalidate());
        }
        for (LookupKey key : keys) {
            b.heard().await(e -> e.equals("elsewhere:logged_out:" + key.value()), Duration.ofSeconds(2));
        }
        assertThat(a.heard().snapshot()).noneMatch(e -> e.startsWith("elsewhere"));
    }
}
