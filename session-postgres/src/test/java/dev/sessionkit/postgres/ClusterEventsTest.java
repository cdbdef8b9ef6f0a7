package dev.sessionkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.LookupKey;
import dev.sessionkit.RequestInfo;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.RecordingListener;
import dev.sessionkit.testkit.Requests;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two instances (two stores, two managers) on one table: what one does to a session, every other
 * instance's listeners hear within a second, through LISTEN/NOTIFY; an instance never hears its own
 * events twice; the feed survives a killed connection and a restarted database, and says what it missed.
 */
@Timeout(120)
final class ClusterEventsTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-test";
    private static final Duration HEARD_WITHIN = Duration.ofSeconds(1);

    private final MutableClock clock = MutableClock.create();
    private final List<AutoCloseable> open = new ArrayList<>();

    private record Instance(PostgresSessionStore store, SessionManager manager, RecordingListener heard) {
    }

    private PostgresFixture.Database database;

    @BeforeEach
    void createDatabase() {
        database = PostgresFixture.freshDatabase();
    }

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(open);
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
        database.close();
    }

    private Instance instance(String url, PostgresStoreSettings.Builder settings) throws InterruptedException {
        PostgresSessionStore store = PostgresSessionStore.builder()
                .settings(settings.databaseUrl(url).connectTimeout(Duration.ofSeconds(1)).build()).build();
        RecordingListener heard = new RecordingListener();
        SessionManager manager = SessionManager.builder()
                .settings(SessionSettings.builder().secrets(SECRET).ttl(Duration.ofMinutes(30)).maxSessionsPerUser(1)
                        .build())
                .store(store).clock(clock).sweeper(false).listener(heard).build();
        open.add(store);
        open.add(manager);
        awaitListening(store);
        return new Instance(store, manager, heard);
    }

    private Instance instance() throws InterruptedException {
        return instance(database.databaseUrl(), PostgresStoreSettings.builder());
    }

    private static void awaitListening(PostgresSessionStore store) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!store.feedListening()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the event feed did not start listening");
            }
            Thread.sleep(10);
        }
    }



    @Test
    void aLogoutOnOneInstanceIsHeardOnTheOtherWithinASecondAndNotTwiceWhereItHappened() throws Exception {
        Instance a = instance();
        Instance b = instance();
        String cookie = Requests.request(a.manager(), null, c -> c.getOrCreate().login("alice"));
        LookupKey key = Requests.keyOf(a.manager(), cookie);

        Requests.request(a.manager(), cookie, c -> c.session().orElseThrow().invalidate());

        Duration took = b.heard().await(e -> e.equals("elsewhere:logged_out:" + key.value()), HEARD_WITHIN);
        assertThat(took).isLessThan(HEARD_WITHIN);
        Thread.sleep(300); // anything a wrong echo would bring has had time to come
        assertThat(a.heard().snapshot()).contains("destroyed:logged_out:" + key.value())
                .noneMatch(e -> e.startsWith("elsewhere"));
        assertThat(b.heard().snapshot()).filteredOn(e -> e.startsWith("elsewhere:")).hasSize(1);
    }

    @Test
    void revocationsReplacementsIdChangesAndExpiryAreHeardElsewhereWithTheirReasons() throws Exception {
        Instance a = instance();
        Instance b = instance();

        // a login rotates the id: heard as a move
        String anonymous = Requests.request(a.manager(), null, c -> c.getOrCreate().set("cart", 1));
        LookupKey before = new LookupKey(a.manager().resolve(RequestInfo.ofCookie(anonymous)).session().orElseThrow()
                .handle());
        String first = Requests.request(a.manager(), anonymous, c -> {
            c.session().orElseThrow().regenerateId();
            c.session().orElseThrow().login("alice");
        });
        LookupKey firstKey = a.manager().sessionsOf("alice").get(0).key();
        b.heard().await(e -> e.equals("elsewhere-moved:" + before.value() + ":" + firstKey.value()), HEARD_WITHIN);

        // a second login of alice replaces the first (limit 1)
        Requests.request(a.manager(), null, c -> c.getOrCreate().login("alice"));
        b.heard().await(e -> e.equals("elsewhere:replaced:" + firstKey.value()), HEARD_WITHIN);

        // "sign out everywhere" ends the rest
        LookupKey secondKey = a.manager().sessionsOf("alice").get(0).key();
        assertThat(a.manager().revokeAll("alice", SessionStatus.REVOKED)).isEqualTo(1);
        b.heard().await(e -> e.equals("elsewhere:revoked:" + secondKey.value()), HEARD_WITHIN);

        // an expiry purged by A's sweeper
        Requests.request(a.manager(), null, c -> c.getOrCreate().set("cart", 2));
        LookupKey expiring = a.store().findLive(clock.instant(), 10).get(0).key();
        clock.advance(Duration.ofHours(1));
        assertThat(a.manager().sweepNow()).isGreaterThanOrEqualTo(1);
        b.heard().await(e -> e.equals("elsewhere:expired:" + expiring.value()), HEARD_WITHIN);
        assertThat(a.heard().snapshot()).contains("expired:" + expiring.value()).noneMatch(e -> e.startsWith("elsewhere"));
        assertThat(first).isNotEqualTo(anonymous);
    }

    @Test
    void aSweepOfManySessionsIsHeardElsewhereKeyByKey() throws Exception {
        Instance a = instance();
        Instance b = instance();
        java.util.Set<String> expiring = new java.util.HashSet<>();
        for (int i = 0; i < 250; i++) {
            SessionData session = dev.sessionkit.testkit.Fixtures.session(clock.instant()).build();
            a.store().create(session);
            expiring.add("elsewhere:expired:" + session.key().value());
        }
        clock.advance(Duration.ofDays(8));

        assertThat(a.manager().sweepNow()).isEqualTo(250);

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!b.heard().snapshot().containsAll(expiring) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(b.heard().snapshot()).containsAll(expiring);
        assertThat(b.heard().snapshot()).filteredOn(e -> e.startsWith("elsewhere:expired:")).hasSize(250);
    }

    /**
     * A session touched after its creation is due at its first expiry, but live: that sweep moves
     * it on and announces nothing; the sweep after its new expiry ends it, and both instances hear
     * its expiry once.
     */
    @Test
    void aTouchedSessionExpiresAtItsNewExpiryAndIsHeardOnce() throws Exception {
        Instance a = instance();
        Instance b = instance();
        SessionData touched = dev.sessionkit.testkit.Fixtures.session(clock.instant()).build();
        SessionData untouched = dev.sessionkit.testkit.Fixtures.session(clock.instant()).build();
        a.store().create(touched);
        a.store().create(untouched);
        Instant later = clock.instant().plus(Duration.ofMinutes(20));
        Instant newExpiry = later.plus(dev.sessionkit.testkit.Fixtures.IDLE_TIMEOUT);
        assertThat(a.store().touch(touched.key(), new dev.sessionkit.Touch(later, newExpiry), later)).isTrue();
        a.store().flush(); // a write-behind touch is written by the flush

        clock.advance(dev.sessionkit.testkit.Fixtures.IDLE_TIMEOUT.plusSeconds(1));
        assertThat(a.manager().sweepNow()).isEqualTo(1);
        b.heard().await(e -> e.equals("elsewhere:expired:" + untouched.key().value()), HEARD_WITHIN);

        clock.advance(Duration.ofMinutes(20));
        assertThat(a.manager().sweepNow()).isEqualTo(1);
        b.heard().await(e -> e.equals("elsewhere:expired:" + touched.key().value()), HEARD_WITHIN);
        assertThat(a.manager().sweepNow()).isZero();
        assertThat(b.manager().sweepNow()).isZero();

        assertThat(a.heard().snapshot()).filteredOn(("expired:" + touched.key().value())::equals).hasSize(1);
        assertThat(a.heard().snapshot()).filteredOn(("expired:" + untouched.key().value())::equals).hasSize(1);
        assertThat(b.heard().snapshot()).filteredOn(e -> e.startsWith("elsewhere:expired:")).containsExactly(
                "elsewhere:expired:" + untouched.key().value(), "elsewhere:expired:" + touched.key().value());
        assertThat(b.heard().snapshot()).noneMatch(e -> e.startsWith("expired:"));
    }

    @Test
    void aKilledFeedConnectionReconnectsSaysWhatItMissedAndHearsAgain() throws Exception {
        Instance a = instance();
        Instance b = instance();

        database.execute("select pg_terminate_backend(pid) from pg_stat_activity"
                + " where application_name = 'sessionkit-events' and datname = current_database()");

        b.heard().await("missed"::equals, Duration.ofSeconds(10));
        awaitListening(a.store());
        awaitListening(b.store());
        String cookie = Requests.request(a.manager(), null, c -> c.getOrCreate().login("alice"));
        LookupKey key = Requests.keyOf(a.manager(), cookie);
        Requests.request(a.manager(), cookie, c -> c.session().orElseThrow().invalidate());
        b.heard().await(e -> e.equals("elsewhere:logged_out:" + key.value()), HEARD_WITHIN);
    }

    @Test
    void eventsResumeAfterTheDatabaseRestarts() throws Exception {
        try (PostgresFixture.RestartableServer server = PostgresFixture.restartableServer()) {
            Instance a = instance(server.jdbcUrl(), PostgresStoreSettings.builder().table("restarted"));
            Instance b = instance(server.jdbcUrl(), PostgresStoreSettings.builder().table("restarted"));

            server.stop();
            server.start();

            b.heard().await("missed"::equals, Duration.ofSeconds(30));
            awaitListening(b.store());
            // the pool's connections died with the server: the first requests may answer unavailable
            String cookie = null;
            for (int attempt = 0; cookie == null; attempt++) {
                try {
                    cookie = Requests.request(a.manager(), null, c -> c.getOrCreate().login("alice"));
                } catch (dev.sessionkit.StoreUnavailableException e) {
                    assertThat(attempt).as("requests recover after the restart").isLessThan(100);
                    Thread.sleep(100);
                }
            }
            LookupKey key = Requests.keyOf(a.manager(), cookie);
            Requests.request(a.manager(), cookie, c -> c.session().orElseThrow().invalidate());
            b.heard().await(e -> e.equals("elsewhere:logged_out:" + key.value()), Duration.ofSeconds(5));
            a.manager().close();
            b.manager().close();
        }
    }

    @Test
    void withEventsOffNothingIsAnnouncedAndNoFeedIsOpened() throws Exception {
        PostgresSessionStore quiet = PostgresSessionStore.builder()
                .settings(PostgresStoreSettings.builder().databaseUrl(database.databaseUrl()).events(false).build())
                .build();
        open.add(quiet);
        RecordingListener heard = new RecordingListener();
        SessionManager manager = SessionManager.builder().settings(SessionSettings.builder().secrets(SECRET).build())
                .store(quiet).clock(clock).sweeper(false).listener(heard).build();
        open.add(manager);
        Instance listening = instance();

        String cookie = Requests.request(manager, null, c -> c.getOrCreate().login("alice"));
        Requests.request(manager, cookie, c -> c.session().orElseThrow().invalidate());

        Thread.sleep(500);
        assertThat(quiet.feedListening()).isFalse();
        assertThat(listening.heard().snapshot()).isEmpty();
        assertThat(heard.snapshot()).anyMatch(e -> e.startsWith("destroyed:logged_out:"));
    }
}
