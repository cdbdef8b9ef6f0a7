package dev.sessionkit.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.Touch;
import dev.sessionkit.testkit.Fixtures;
import dev.sessionkit.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What only the memory store does: capacity, Caffeine's own expiry, the JSON it keeps, closing. */
final class CaffeineSessionStoreInternalsTest {

    private final MutableClock clock = MutableClock.create();
    private CaffeineSessionStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private static SessionData session(Instant createdAt, String principal, Duration idle) {
        return Fixtures.session(createdAt).principal(principal).idleTimeout(idle).build();
    }

    @Test
    void valuesADeltaSetsComeBackAsTheirJsonTextParsesAndTheOthersStayAsTheyWere() {
        store = CaffeineSessionStore.builder().clock(clock).build();
        SessionData created = Fixtures.session(clock.instant()).attribute("kept", "{\"a\": [1, 2.5]}").build();
        store.create(created);
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        // built in code, not parsed: a long node holding 5 is not the int node the text "5" parses to,
        // which is what PostgreSQL's jsonb gives back
        SessionDelta delta = SessionDelta.builder()
                .set("small", nodes.numberNode(5L))
                .set("list", nodes.arrayNode().add(nodes.numberNode(7L)).add(nodes.textNode("x")))
                .increment("n", 2)
                .build();

        SessionData applied = store.apply(created.key(), delta, clock.instant()).orElseThrow();

        assertThat(applied.attributes().get("small")).isEqualTo(Fixtures.json("5")).isNotEqualTo(nodes.numberNode(5L));
        assertThat(applied.attributes().get("list")).isEqualTo(Fixtures.json("[7, \"x\"]"));
        assertThat(applied.attributes().get("n")).isEqualTo(Fixtures.json("2"));
        assertThat(applied.attributes().get("kept")).isEqualTo(Fixtures.json("{\"a\": [1, 2.5]}"));
        assertThat(store.load(created.key(), clock.instant()).orElseThrow().attributes())
                .isEqualTo(applied.attributes());
    }

    @Test
    void previousKeysOfRenewedSessionsAreForgottenWhenTheSessionEndsOrMovesOrTheGracePasses() {
        store = CaffeineSessionStore.builder().clock(clock).build();
        Instant now = clock.instant();
        Instant graceUntil = now.plusSeconds(5);
        List<SessionData> renewed = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SessionData s = session(now, "user" + i, Duration.ofMinutes(30));
            store.create(s);
            renewed.add(store.renewKey(s.key(), Fixtures.newKey(), SessionDelta.empty(), graceUntil, now).orElseThrow());
        }
        assertThat(store.previousKeys()).isEqualTo(4);

        store.end(renewed.get(0).key(), SessionStatus.LOGGED_OUT, now);
        store.changeKey(renewed.get(1).key(), Fixtures.newKey(), SessionDelta.empty(), now);
        store.renewKey(renewed.get(2).key(), Fixtures.newKey(), SessionDelta.empty(), graceUntil, now);
        assertThat(store.previousKeys()).as("ended, moved, renewed again").isEqualTo(2);

        store.purgeExpired(graceUntil, 100);
        assertThat(store.previousKeys()).as("after the grace").isZero();
    }

    @Test
    void storeBeyondMaximumSizeEvictsAnonymousSessions() {
        store = CaffeineSessionStore.builder().maximumSize(10).clock(clock).build();
        Instant now = clock.instant();
        List<SessionData> created = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            SessionData s = session(now, null, Duration.ofMinutes(30));
            assertThat(store.create(s)).isTrue();
            created.add(s);
        }

        store.cleanUp();

        assertThat(store.estimatedSize()).isLessThanOrEqualTo(10);
        assertThat(store.sizeEvictions()).isEqualTo(50 - store.estimatedSize());
        long stillLive = created.stream().filter(s -> store.load(s.key(), now).isPresent()).count();
        assertThat(stillLive).isEqualTo(store.estimatedSize());
        assertThat(store.stats(now).total()).isEqualTo(stillLive);
    }

    @Test
    void aThousandAnonymousSessionsAtCapacity500EvictNoSignedInSession() {
        store = CaffeineSessionStore.builder().maximumSize(500).clock(clock).build();
        Instant now = clock.instant();
        List<SessionData> signedIn = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // created signed in
            SessionData s = session(now, "user" + (i % 50), Duration.ofMinutes(30));
            assertThat(store.create(s)).isTrue();
            signedIn.add(s);
        }
        for (int i = 0; i < 100; i++) { // anonymous, then signed in by a delta
            SessionData s = session(now, null, Duration.ofMinutes(30));
            assertThat(store.create(s)).isTrue();
            assertThat(store.apply(s.key(), Fixtures.delta().principal("late" + i).build(), now)).isPresent();
            signedIn.add(s);
        }
        for (int i = 0; i < 100; i++) { // anonymous, then signed in with a new key (a login's rotation)
            SessionData s = session(now, null, Duration.ofMinutes(30));
            assertThat(store.create(s)).isTrue();
            SessionData moved = store.changeKey(s.key(), dev.sessionkit.testkit.Fixtures.newKey(),
                    Fixtures.delta().principal("rotated" + i).build(), now).orElseThrow();
            signedIn.add(moved);
        }
        SessionData signsOut = signedIn.remove(0);
        assertThat(store.apply(signsOut.key(), Fixtures.delta().principal(null).build(), now)).isPresent();

        List<SessionData> anonymous = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            SessionData s = session(now, null, Duration.ofMinutes(30));
            assertThat(store.create(s)).isTrue();
            anonymous.add(s);
            if (i % 100 == 0) {
                store.cleanUp();
            }
        }
        store.cleanUp();

        assertThat(signedIn).as("every signed-in session is still there").allSatisfy(s ->
                assertThat(store.load(s.key(), now)).isPresent());
        long anonymousLeft = anonymous.stream().filter(s -> store.load(s.key(), now).isPresent()).count();
        assertThat(anonymousLeft).as("the anonymous ones are bounded by the capacity").isLessThanOrEqualTo(500)
                .isGreaterThan(0);
        assertThat(store.sizeEvictions()).isGreaterThanOrEqualTo(1_000 - 500);
        assertThat(store.findByPrincipal("user7", now)).hasSize(6);
        assertThat(store.indexedKeys()).isEqualTo(signedIn.size());
        assertThat(store.estimatedSize()).isEqualTo(signedIn.size() + anonymousLeft
                + (store.load(signsOut.key(), now).isPresent() ? 1 : 0));
    }

    @Test
    void sessionThatSignsOutCountsAgainAndCanBeEvicted() {
        store = CaffeineSessionStore.builder().maximumSize(5).clock(clock).build();
        Instant now = clock.instant();
        SessionData alice = session(now, "alice", Duration.ofMinutes(30));
        store.create(alice);
        store.apply(alice.key(), Fixtures.delta().principal(null).build(), now);

        for (int i = 0; i < 50; i++) {
            store.create(session(now, null, Duration.ofMinutes(30)));
            store.cleanUp();
        }

        assertThat(store.estimatedSize()).isLessThanOrEqualTo(5);
        assertThat(store.indexedKeys()).isZero();
    }

    @Test
    void evictionWarningIsWrittenAtMostOncePerInterval() {
        EvictionReporter reporter = new EvictionReporter(clock, 10);

        assertThat(reporter.evicted()).isTrue();
        assertThat(reporter.evicted()).isFalse();
        clock.advance(EvictionReporter.INTERVAL.minusSeconds(1));
        assertThat(reporter.evicted()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(reporter.evicted()).isTrue();
        assertThat(reporter.total()).isEqualTo(4);
    }

    @Test
    void caffeineDropsExpiredEntriesByTheClockAndPurgeStillReportsThem() {
        store = CaffeineSessionStore.builder().clock(clock).build();
        Instant t0 = clock.instant();
        SessionData shortLived = session(t0, "alice", Duration.ofMinutes(5));
        SessionData longLived = session(t0, "alice", Duration.ofMinutes(60));
        store.create(shortLived);
        store.create(longLived);

        Instant now = clock.advance(Duration.ofMinutes(10));
        store.cleanUp();

        assertThat(store.estimatedSize()).isEqualTo(1);
        assertThat(store.indexedKeys()).isEqualTo(1);
        assertThat(store.purgeExpired(now, 10)).containsExactly(shortLived.key());
        assertThat(store.purgeExpired(now, 10)).isEmpty();
        assertThat(store.findByPrincipal("alice", now)).extracting(SessionData::key).containsExactly(longLived.key());
    }

    @Test
    void purgeKeepsReclaimedKeysForLaterWhenNowLagsTheClock() {
        store = CaffeineSessionStore.builder().clock(clock).build();
        Instant t0 = clock.instant();
        SessionData s = session(t0, null, Duration.ofMinutes(5));
        store.create(s);
        clock.advance(Duration.ofMinutes(10));
        store.cleanUp();

        assertThat(store.purgeExpired(t0, 10)).isEmpty();
        assertThat(store.purgeExpired(clock.instant(), 10)).containsExactly(s.key());
    }

    @Test
    void writeThatMovesExpiryKeepsEntryInCaffeinePastItsFormerExpiry() {
        store = CaffeineSessionStore.builder().clock(clock).build();
        Instant t0 = clock.instant();
        SessionData s = session(t0, null, Duration.ofMinutes(30));
        store.create(s);
        Instant later = clock.advance(Duration.ofMinutes(20));
        store.apply(s.key(), SessionDelta.empty().withTouch(new Touch(later, later.plus(
                Duration.ofMinutes(30)))), later);

        Instant now = clock.advance(Duration.ofMinutes(20));
        store.cleanUp();

        assertThat(store.load(s.key(), now)).isPresent();
    }

    @Test
    void storedAttributesAreACopyOfTheCallersTree() {
        store = CaffeineSessionStore.builder().clock(clock).build();
        ObjectNode cart = JsonNodeFactory.instance.objectNode().put("items", 1);
        SessionData s = session(clock.instant(), null, Duration.ofMinutes(30)).withAttributes(Map.of("cart", cart));
        store.create(s);

        cart.put("items", 99);
        // (trees handed out by load are shared and read-only, as SessionData documents: the store
        // parses once per write, not once per load)

        assertThat(store.load(s.key(), clock.instant()).orElseThrow().attributes().get("cart").get("items").asInt())
                .isEqualTo(1);
    }

    @Test
    void unparsableAttributeTextDropsSessionAndItsIndexEntry() {
        store = CaffeineSessionStore.builder().clock(clock).build();
        SessionData s = session(clock.instant(), "alice", Duration.ofMinutes(30));
        store.create(s);

        store.corrupt(s.key(), "{not json");

        assertThat(store.load(s.key(), clock.instant())).isEmpty();
        assertThat(store.indexedKeys()).isZero();
        assertThat(store.stats(clock.instant()).total()).isZero();
    }

    @Test
    void endRemovesTheEntry() {
        store = CaffeineSessionStore.builder().clock(clock).build();
        SessionData s = session(clock.instant(), "alice", Duration.ofMinutes(30));
        store.create(s);

        store.end(s.key(), SessionStatus.LOGGED_OUT, clock.instant());

        assertThat(store.stats(clock.instant()).total()).isZero();
        assertThat(store.indexedKeys()).isZero();
        assertThat(store.create(s)).isTrue();
    }

    @Test
    void builderRejectsBadAndRepeatedSettings() {
        CaffeineSessionStore.Builder builder = CaffeineSessionStore.builder();

        assertThatThrownBy(() -> builder.maximumSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.clock(null)).isInstanceOf(NullPointerException.class);
        builder.maximumSize(5).clock(clock);
        assertThatThrownBy(() -> builder.maximumSize(6)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> builder.clock(clock)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void defaultBuilderUsesDefaultCapacity() {
        store = CaffeineSessionStore.builder().build();

        assertThat(store).hasToString("CaffeineSessionStore[maximumSize=100000, closed=false]");
        assertThat(store.name()).isEqualTo("memory");
    }
}
