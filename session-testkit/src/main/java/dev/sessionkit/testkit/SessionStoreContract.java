package dev.sessionkit.testkit;

import static dev.sessionkit.testkit.Fixtures.delta;
import static dev.sessionkit.testkit.Fixtures.json;
import static dev.sessionkit.testkit.Fixtures.newKey;
import static dev.sessionkit.testkit.Fixtures.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sessionkit.AttributeSerializationException;
import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionJson;
import dev.sessionkit.SessionStats;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.SessionStore;
import dev.sessionkit.Touch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link SessionStore} must have, as one JUnit 5 suite. A store proves itself
 * by extending this class in its own tests:
 *
 * <pre>{@code
 * final class MyStoreTest extends SessionStoreContract {
 *     protected SessionStore newStore(MutableClock clock) { return new MyStore(clock); }
 *     protected void corrupt(SessionStore store, LookupKey key) { ... }
 * }
 * }</pre>
 *
 * <p>Before each test the suite makes a {@link MutableClock} and asks {@link #newStore(MutableClock)}
 * for an empty store; after each test it closes the store. Tests never sleep: they move the clock,
 * or pass a {@code now} later than the clock, which also checks that a store judges liveness by the
 * {@code now} it is given and not by when its backend happens to drop expired data.
 *
 * <p>The suite pins what a store accepts and returns, the same for every store: input is checked
 * with {@link SessionJson#validate(SessionData)} and {@link SessionJson#validate(SessionDelta)}
 * (an unstorable attribute name or value fails with
 * {@link AttributeSerializationException}, an unstorable principal with
 * {@link IllegalArgumentException}, and nothing is written); client metadata comes back as
 * {@link SessionJson#clientText(String)} cleans it; after {@link SessionStore#close()} every
 * operation but {@code close} and {@code name} fails with {@link IllegalStateException}.
 * {@link Fixtures} builds the data the suite writes, for a store's own tests too.
 *
 * <p>Every time the suite writes has whole seconds, so stores with coarser precision than
 * {@link Instant} (PostgreSQL keeps microseconds) round-trip it exactly. Stores that keep ended
 * sessions as an audit trail pass too: no test counts {@link SessionStats#total()} after an end or
 * a purge.
 */
public abstract class SessionStoreContract {

    private static final int THREADS = 8;
    private static final Duration WAIT = Duration.ofSeconds(60);

    private MutableClock clock;
    private SessionStore store;

    /**
     * Makes the store under test. Called before each test; the suite closes the store afterwards.
     *
     * @param clock the test's clock, at {@link MutableClock#DEFAULT_START}; a store that keeps a
     *     clock (for its own expiry, say) must use this one
     * @return a store holding no sessions
     */
    protected abstract SessionStore newStore(MutableClock clock);

    /**
     * Overwrites the stored data of an existing session with data of the wrong shape, the way a
     * bug, a manual edit or an incompatible old version could leave it: for instance a JSON array
     * where an object belongs. The session's key must stay where it is.
     */
    protected abstract void corrupt(SessionStore store, LookupKey key);

    /**
     * Whether the store under test defers touches (see {@link SessionStore#touch}): its
     * {@code touch} queues and answers {@code true} without asking its backend, and
     * {@link SessionStore#flush()} writes what it queued. The suite then holds a touch of a session
     * that is not live to what it writes (nothing, once flushed) rather than to what it returns.
     * Default false: {@code touch} must return false for a session that is not live.
     */
    protected boolean defersTouches() {
        return false;
    }

    /** The store of the running test, for tests a subclass adds. */
    protected final SessionStore store() {
        return store;
    }

    /** The clock of the running test, for tests a subclass adds. */
    protected final MutableClock clock() {
        return clock;
    }

    @BeforeEach
    final void openStore() {
        clock = MutableClock.create();
        store = newStore(clock);
        assertThat(store).as("newStore must return a store").isNotNull();
        assertThat(store.stats(clock.instant()).total()).as("newStore must return an empty store").isZero();
    }

    @AfterEach
    final void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    // ---------------------------------------------------------------- create and load

    @Test
    void createThenLoadReturnsEveryFieldAsStored() {
        Instant t0 = clock.instant();
        SessionData created = session(t0.minusSeconds(90))
                .attribute("text", "\"héllo wörld 😀 \\\" \\\\ \\n\"")
                .attribute("small", "42")
                .attribute("big", "9007199254740993")
                .attribute("negative", "-17")
                .attribute("fraction", "1.5")
                .attribute("yes", "true")
                .attribute("nothing", "null")
                .attribute("list", "[1, \"two\", {\"three\": 3}, []]")
                .attribute("nested", "{\"cart\": {\"items\": [{\"sku\": \"A-1\", \"qty\": 2}]}, \"empty\": {}}")
                .principal("alice@example.com")
                .lastAccessedAt(t0.minusSeconds(30))
                .idleExpiresAt(t0.plus(Duration.ofMinutes(20)))
                .absoluteExpiresAt(t0.plus(Duration.ofHours(5)))
                .client("203.0.113.7", "Mozilla/5.0 (X11; Linux x86_64)")
                .version(3)
                .build();

        assertThat(store.create(created)).isTrue();

        assertThat(store.load(created.key(), t0)).contains(created);
    }

    @Test
    void createThenLoadKeepsAbsentPrincipalClientAndAttributes() {
        SessionData created = session(clock.instant()).build();

        assertThat(store.create(created)).isTrue();

        SessionData loaded = store.load(created.key(), clock.instant()).orElseThrow();
        assertThat(loaded).isEqualTo(created);
        assertThat(loaded.principal()).isNull();
        assertThat(loaded.ip()).isNull();
        assertThat(loaded.userAgent()).isNull();
        assertThat(loaded.attributes()).isEmpty();
    }

    @Test
    void createOnTakenKeyReturnsFalseAndChangesNothing() {
        SessionData first = session(clock.instant()).attribute("owner", "\"first\"").principal("alice").build();
        SessionData second = session(clock.instant().plusSeconds(5)).key(first.key())
                .attribute("owner", "\"second\"").principal("mallory").build();
        store.create(first);

        assertThat(store.create(second)).isFalse();

        assertThat(store.load(first.key(), clock.instant())).contains(first);
        assertThat(store.findByPrincipal("mallory", clock.instant())).isEmpty();
    }

    @Test
    void loadOfUnknownKeyIsEmpty() {
        store.create(session(clock.instant()).build());

        assertThat(store.load(newKey(), clock.instant())).isEmpty();
    }

    // ---------------------------------------------------------------- apply

    @Test
    void applyRemovesThenSetsThenIncrements() {
        SessionData created = session(clock.instant())
                .attribute("gone", "\"bye\"")
                .attribute("kept", "{\"a\": 1}")
                .attribute("replaced", "\"old\"")
                .attribute("visits", "10")
                .build();
        store.create(created);
        SessionDelta delta = delta()
                .remove("gone")
                .remove("replaced").set("replaced", "\"new\"")
                .set("added", "[true]")
                .increment("visits", 5)
                .set("counter", "100").increment("counter", 1)
                .increment("fresh", 3)
                .build();

        SessionData applied = store.apply(created.key(), delta, clock.instant()).orElseThrow();

        assertThat(applied.attributes()).containsOnlyKeys("kept", "replaced", "added", "visits", "counter", "fresh");
        assertThat(applied.attributes().get("kept")).isEqualTo(json("{\"a\": 1}"));
        assertThat(applied.attributes().get("replaced")).isEqualTo(json("\"new\""));
        assertThat(applied.attributes().get("added")).isEqualTo(json("[true]"));
        assertThat(applied.attributes().get("visits").asLong()).isEqualTo(15);
        assertThat(applied.attributes().get("counter").asLong()).isEqualTo(101);
        assertThat(applied.attributes().get("fresh").asLong()).isEqualTo(3);
    }

    @Test
    void applyReturnsWhatIsStoredAndIncrementsVersion() {
        SessionData created = session(clock.instant()).attribute("n", "1").version(7).build();
        store.create(created);

        SessionData first = store.apply(created.key(), delta().set("a", "\"x\"").increment("n", 1).build(),
                clock.instant()).orElseThrow();
        assertThat(first.version()).isEqualTo(8);
        assertThat(store.load(created.key(), clock.instant())).contains(first);

        SessionData second = store.apply(created.key(), delta().remove("a").build(), clock.instant()).orElseThrow();
        assertThat(second.version()).isEqualTo(9);
        assertThat(store.load(created.key(), clock.instant())).contains(second);
    }

    @Test
    void applyLeavesUntouchedFieldsAsTheyWere() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).attribute("a", "1").principal("alice")
                .client("198.51.100.1", "curl/8").build();
        store.create(created);

        SessionData applied = store.apply(created.key(), delta().set("b", "2").build(), t0).orElseThrow();

        assertThat(applied).isEqualTo(created.toBuilder().attributes(applied.attributes())
                .version(created.version() + 1).build());
        assertThat(applied.attributes()).containsOnlyKeys("a", "b");
    }

    @Test
    void applyChangesPrincipalAbsoluteExpiryAndIdleTimeout() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).build();
        store.create(created);
        Instant restartedAbsolute = t0.plus(Duration.ofDays(1));

        SessionData applied = store.apply(created.key(), delta()
                .principal("bob")
                .absoluteExpiresAt(restartedAbsolute)
                .idleTimeout(Duration.ofMinutes(5))
                .build(), t0).orElseThrow();

        assertThat(applied.principal()).isEqualTo("bob");
        assertThat(applied.absoluteExpiresAt()).isEqualTo(restartedAbsolute);
        assertThat(applied.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(applied.idleExpiresAt()).isEqualTo(created.idleExpiresAt());
        assertThat(store.load(created.key(), t0)).contains(applied);
    }

    @Test
    void applyWithNullPrincipalSignsOut() {
        SessionData created = session(clock.instant()).principal("alice").build();
        store.create(created);

        SessionData applied = store.apply(created.key(), delta().principal(null).build(), clock.instant())
                .orElseThrow();

        assertThat(applied.principal()).isNull();
        assertThat(store.load(created.key(), clock.instant()).orElseThrow().principal()).isNull();
        assertThat(store.findByPrincipal("alice", clock.instant())).isEmpty();
    }

    @Test
    void applyWithTouchMovesAccessTimesForwardOnly() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).build();
        store.create(created);
        Instant later = t0.plus(Duration.ofMinutes(10));

        SessionData moved = store.apply(created.key(),
                delta().set("a", "1").touch(later, later.plus(Fixtures.IDLE_TIMEOUT)).build(), later).orElseThrow();
        assertThat(moved.lastAccessedAt()).isEqualTo(later);
        assertThat(moved.idleExpiresAt()).isEqualTo(later.plus(Fixtures.IDLE_TIMEOUT));

        SessionData stale = store.apply(created.key(),
                delta().set("b", "2").touch(t0.plusSeconds(60), t0.plusSeconds(60).plus(Fixtures.IDLE_TIMEOUT)).build(),
                later).orElseThrow();
        assertThat(stale.lastAccessedAt()).isEqualTo(later);
        assertThat(stale.idleExpiresAt()).isEqualTo(later.plus(Fixtures.IDLE_TIMEOUT));
        assertThat(stale.attributes()).containsOnlyKeys("a", "b");
    }

    @Test
    void newShorterIdleTimeoutSetsTheIdleExpiryOutright() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).build();
        store.create(created);
        Instant later = t0.plus(Duration.ofMinutes(1));
        Duration shorter = Duration.ofMinutes(5);

        SessionData shortened = store.apply(created.key(),
                delta().idleTimeout(shorter).touch(later, later.plus(shorter)).build(), later).orElseThrow();

        assertThat(shortened.idleTimeout()).isEqualTo(shorter);
        assertThat(shortened.idleExpiresAt()).isEqualTo(later.plus(shorter));
        assertThat(store.load(created.key(), later.plus(shorter).plusSeconds(1))).isEmpty();
    }

    @Test
    void applyOnUnknownKeyReturnsEmptyAndCreatesNothing() {
        LookupKey unknown = newKey();

        assertThat(store.apply(unknown, delta().set("a", "1").principal("alice").build(), clock.instant())).isEmpty();

        assertThat(store.load(unknown, clock.instant())).isEmpty();
        assertThat(store.findByPrincipal("alice", clock.instant())).isEmpty();
        assertThat(store.stats(clock.instant()).active()).isZero();
    }

    @Test
    void applyOnEndedSessionReturnsEmptyAndDoesNotReviveIt() {
        SessionData created = session(clock.instant()).principal("alice").build();
        store.create(created);
        store.end(created.key(), SessionStatus.LOGGED_OUT, clock.instant());

        assertThat(store.apply(created.key(), delta().set("a", "1").build(), clock.instant())).isEmpty();

        assertThat(store.load(created.key(), clock.instant())).isEmpty();
        assertThat(store.findByPrincipal("alice", clock.instant())).isEmpty();
    }

    @Test
    void applyOnExpiredSessionReturnsEmptyAndWritesNothing() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).attribute("a", "1").build();
        store.create(created);
        Instant afterIdleExpiry = created.idleExpiresAt().plusSeconds(1);

        Optional<SessionData> applied = store.apply(created.key(), delta().set("a", "2")
                .touch(afterIdleExpiry, afterIdleExpiry.plus(Fixtures.IDLE_TIMEOUT)).build(), afterIdleExpiry);

        assertThat(applied).isEmpty();
        assertThat(store.load(created.key(), afterIdleExpiry)).isEmpty();
        // Seen from before the expiry, the session is exactly as it was created.
        assertThat(store.load(created.key(), t0)).contains(created);
    }

    // ---------------------------------------------------------------- increments

    @Test
    void incrementOfMissingValueStartsFromZero() {
        SessionData created = session(clock.instant()).build();
        store.create(created);

        SessionData applied = store.apply(created.key(), delta().increment("n", -4).build(), clock.instant())
                .orElseThrow();

        assertThat(applied.attributes().get("n").isIntegralNumber()).isTrue();
        assertThat(applied.attributes().get("n").asLong()).isEqualTo(-4);
    }

    @Test
    void incrementOfNonIntegerValueStartsFromZero() {
        SessionData created = session(clock.instant())
                .attribute("text", "\"12\"")
                .attribute("fraction", "2.5")
                .attribute("flag", "true")
                .attribute("object", "{\"n\": 1}")
                .attribute("nil", "null")
                .build();
        store.create(created);

        SessionData applied = store.apply(created.key(), delta()
                .increment("text", 1).increment("fraction", 2).increment("flag", 3)
                .increment("object", 4).increment("nil", 5).build(), clock.instant()).orElseThrow();

        assertThat(applied.attributes().get("text").asLong()).isEqualTo(1);
        assertThat(applied.attributes().get("fraction").asLong()).isEqualTo(2);
        assertThat(applied.attributes().get("flag").asLong()).isEqualTo(3);
        assertThat(applied.attributes().get("object").asLong()).isEqualTo(4);
        assertThat(applied.attributes().get("nil").asLong()).isEqualTo(5);
        assertThat(applied.attributes().values()).allMatch(JsonNode::isIntegralNumber);
    }

    /** One increment alone in a delta (a store may run it on a path of its own), from every kind of base. */
    @Test
    void aLoneIncrementStartsFromTheStoredIntegerOrFromZero() {
        List<String> bases = List.of("41", "-7", "0", "5000000000", "9223372036854775806", "\"12\"", "2.5", "2.0",
                "true", "{\"n\": 1}", "[1]", "null", "123456789012345678901234567890");
        for (String base : bases) {
            SessionData created = session(clock.instant()).attribute("n", base).attribute("other", "\"kept\"").build();
            store.create(created);
            SessionDelta delta = delta().increment("n", 1).build();

            SessionData applied = store.apply(created.key(), delta, clock.instant()).orElseThrow();

            assertThat(applied.attributes()).as("base %s", base).isEqualTo(created.apply(delta).attributes());
            assertThat(applied.attributes().get("n").isIntegralNumber()).as("base %s", base).isTrue();
            assertThat(store.load(created.key(), clock.instant())).as("base %s", base).contains(applied);
        }
        SessionData created = session(clock.instant()).attribute("a", "1").attribute("b", "2").attribute("n", "10").build();
        store.create(created);
        SessionDelta mixed = delta().set("a", "\"x\"").remove("b").increment("n", 5).increment("fresh", 2).build();
        SessionDelta lone = delta().set("a", "\"y\"").remove("a2").increment("n", -15).build();
        SessionData afterMixed = store.apply(created.key(), mixed, clock.instant()).orElseThrow();
        SessionData afterLone = store.apply(created.key(), lone, clock.instant()).orElseThrow();
        assertThat(afterMixed.attributes()).isEqualTo(created.apply(mixed).attributes());
        assertThat(afterLone.attributes()).isEqualTo(afterMixed.apply(lone).attributes());
        assertThat(afterLone.attributes().get("n").asLong()).isZero();
    }

    @Test
    void incrementHandlesValuesBeyondThirtyTwoBits() {
        SessionData created = session(clock.instant()).attribute("bytes", "5000000000").build();
        store.create(created);

        SessionData applied = store.apply(created.key(), delta().increment("bytes", 3_000_000_000L).build(),
                clock.instant()).orElseThrow();

        assertThat(applied.attributes().get("bytes").asLong()).isEqualTo(8_000_000_000L);
    }

    @Test
    void incrementsOfNamesSetOrRemovedInTheSameDeltaStartFromWhatTheDeltaLeaves() {
        SessionData created = session(clock.instant()).attribute("n", "100").attribute("gone", "7").build();
        store.create(created);
        SessionDelta delta = delta().set("n", "5").remove("gone").increment("n", 1).increment("gone", 2)
                .increment("fresh", 3).build();

        SessionData applied = store.apply(created.key(), delta, clock.instant()).orElseThrow();

        assertThat(applied.attributes().get("n").asLong()).isEqualTo(6);
        assertThat(applied.attributes().get("gone").asLong()).isEqualTo(2);
        assertThat(applied.attributes().get("fresh").asLong()).isEqualTo(3);
        assertThat(applied.attributes()).isEqualTo(created.apply(delta).attributes());
        assertThat(store.load(created.key(), clock.instant())).contains(applied);
    }

    @Test
    void integersBeyondALongAreKeptAndAnIncrementOfOneStartsFromZero() {
        String huge = "123456789012345678901234567890";
        SessionData created = session(clock.instant()).attribute("huge", huge).attribute("kept", huge)
                .attribute("real", "2.5").build();
        store.create(created);
        assertThat(store.load(created.key(), clock.instant()).orElseThrow().attributes().get("kept"))
                .isEqualTo(json(huge));
        SessionDelta delta = delta().increment("huge", 1).increment("real", 1).build();

        SessionData applied = store.apply(created.key(), delta, clock.instant()).orElseThrow();

        assertThat(applied.attributes().get("huge")).isEqualTo(json("1"));
        assertThat(applied.attributes().get("real")).isEqualTo(json("1"));
        assertThat(applied.attributes().get("kept")).isEqualTo(json(huge));
        assertThat(applied.attributes()).isEqualTo(created.apply(delta).attributes());
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    @Timeout(120)
    void concurrentDeltasToDistinctAttributesLoseNothing() throws Exception {
        SessionData created = session(clock.instant()).build();
        store.create(created);
        int perThread = 50;
        Instant now = clock.instant();

        runConcurrently(THREADS, thread -> {
            for (int i = 0; i < perThread; i++) {
                assertThat(store.apply(created.key(), delta().set("t" + thread + "-" + i, String.valueOf(i)).build(),
                        now)).isPresent();
            }
        });

        SessionData loaded = store.load(created.key(), now).orElseThrow();
        assertThat(loaded.attributes()).hasSize(THREADS * perThread);
        for (int thread = 0; thread < THREADS; thread++) {
            for (int i = 0; i < perThread; i++) {
                assertThat(loaded.attributes().get("t" + thread + "-" + i)).isEqualTo(json(String.valueOf(i)));
            }
        }
        assertThat(loaded.version()).isEqualTo(created.version() + THREADS * perThread);
    }

    @Test
    @Timeout(120)
    void concurrentIncrementsLoseNothing() throws Exception {
        SessionData created = session(clock.instant()).build();
        store.create(created);
        int perThread = 500;
        Instant now = clock.instant();

        runConcurrently(THREADS, thread -> {
            for (int i = 0; i < perThread; i++) {
                assertThat(store.apply(created.key(), delta().increment("hits", 1).build(), now)).isPresent();
            }
        });

        SessionData loaded = store.load(created.key(), now).orElseThrow();
        assertThat(loaded.attributes().get("hits").asLong()).isEqualTo((long) THREADS * perThread);
        assertThat(loaded.version()).isEqualTo(created.version() + (long) THREADS * perThread);
    }

    @Test
    @Timeout(120)
    void endDuringConcurrentWritesIsNeverUndone() throws Exception {
        SessionData created = session(clock.instant()).principal("alice").build();
        store.create(created);
        Instant now = clock.instant();
        int writesPerThread = 200;
        CountDownLatch someWritesDone = new CountDownLatch(100);
        AtomicInteger ended = new AtomicInteger();

        runConcurrently(THREADS, thread -> {
            if (thread == 0) {
                awaitQuietly(someWritesDone);
                if (store.end(created.key(), SessionStatus.LOGGED_OUT, now)) {
                    ended.incrementAndGet();
                }
                return;
            }
            boolean seenEnded = false;
            for (int i = 0; i < writesPerThread; i++) {
                boolean touching = i % 3 == 2;
                boolean written = touching
                        ? store.touch(created.key(), new Touch(now, now.plus(Fixtures.IDLE_TIMEOUT)), now)
                        : store.apply(created.key(), delta().increment("n", 1).set("t" + thread, String.valueOf(i))
                                .build(), now).isPresent();
                someWritesDone.countDown();
                if (touching && defersTouches()) {
                    continue; // a deferred touch says nothing about the session; checked below, once flushed
                }
                assertThat(written && seenEnded).as("a write succeeded after this thread saw the session end").isFalse();
                seenEnded |= !written;
            }
        });

        store.flush();
        assertThat(ended).as("end must succeed on the live session").hasValue(1);
        assertThat(store.load(created.key(), now)).isEmpty();
        assertThat(store.apply(created.key(), delta().set("late", "1").build(), now)).isEmpty();
        assertTouchFindsNoLiveSession(created.key(), new Touch(now, now.plus(Fixtures.IDLE_TIMEOUT)), now);
        assertThat(store.load(created.key(), now)).isEmpty();
        assertThat(store.findByPrincipal("alice", now)).isEmpty();
        assertThat(store.stats(now).active()).isZero();
    }

    // ---------------------------------------------------------------- touch

    @Test
    void touchMovesAccessTimeAndIdleExpiryForward() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).attribute("a", "1").build();
        store.create(created);
        Instant later = clock.advance(Duration.ofMinutes(20));

        assertThat(touchAndFlush(created.key(), new Touch(later, later.plus(Fixtures.IDLE_TIMEOUT)), later)).isTrue();

        SessionData loaded = store.load(created.key(), later).orElseThrow();
        assertThat(loaded.lastAccessedAt()).isEqualTo(later);
        assertThat(loaded.idleExpiresAt()).isEqualTo(later.plus(Fixtures.IDLE_TIMEOUT));
        assertThat(loaded.absoluteExpiresAt()).isEqualTo(created.absoluteExpiresAt());
        assertThat(loaded.attributes()).isEqualTo(created.attributes());
        assertThat(loaded.version()).isGreaterThan(created.version());
        // Without the touch the session would have ended at t0 + 30 min.
        Instant pastOriginalExpiry = clock.advance(Duration.ofMinutes(20));
        assertThat(store.load(created.key(), pastOriginalExpiry)).isPresent();
    }

    @Test
    void olderTouchNeverRewindsExpiry() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).build();
        store.create(created);
        Instant late = t0.plus(Duration.ofMinutes(10));
        Instant early = t0.plus(Duration.ofMinutes(2));
        touchAndFlush(created.key(), new Touch(late, late.plus(Fixtures.IDLE_TIMEOUT)), late);

        assertThat(touchAndFlush(created.key(), new Touch(early, early.plus(Fixtures.IDLE_TIMEOUT)), late)).isTrue();

        SessionData loaded = store.load(created.key(), late).orElseThrow();
        assertThat(loaded.lastAccessedAt()).isEqualTo(late);
        assertThat(loaded.idleExpiresAt()).isEqualTo(late.plus(Fixtures.IDLE_TIMEOUT));
    }

    @Test
    void touchOfUnknownEndedOrExpiredSessionReturnsFalse() {
        Instant t0 = clock.instant();
        SessionData ended = session(t0).build();
        SessionData expiring = session(t0).idleTimeout(Duration.ofMinutes(1)).build();
        store.create(ended);
        store.create(expiring);
        store.end(ended.key(), SessionStatus.REVOKED, t0);
        Instant later = t0.plus(Duration.ofMinutes(2));
        Touch touch = new Touch(later, later.plus(Fixtures.IDLE_TIMEOUT));

        assertTouchFindsNoLiveSession(newKey(), touch, later);
        assertTouchFindsNoLiveSession(ended.key(), touch, later);
        assertTouchFindsNoLiveSession(expiring.key(), touch, later);

        assertThat(store.load(ended.key(), later)).isEmpty();
        assertThat(store.load(expiring.key(), later)).isEmpty();
    }

    /**
     * A touch made while the session was live, then the session ends (logout, revocation, a
     * per-user limit), then the touch is written: the session stays ended. For a store that writes
     * touches at once this is the order of two writes; for one that defers them, the guard it
     * checks when it writes.
     */
    @Test
    void aTouchMadeBeforeTheSessionEndsNeverRevivesItWhenWritten() {
        Instant t0 = clock.instant();
        SessionData loggedOut = session(t0).principal("alice").build();
        SessionData revoked = session(t0).principal("bob").build();
        SessionData replaced = session(t0).principal("carol").build();
        SessionData kept = session(t0.plusSeconds(1)).principal("carol").build();
        for (SessionData s : List.of(loggedOut, revoked, replaced, kept)) {
            store.create(s);
        }
        Instant now = clock.advance(Duration.ofMinutes(10));
        Touch touch = new Touch(now, now.plus(Fixtures.IDLE_TIMEOUT));
        for (SessionData s : List.of(loggedOut, revoked, replaced, kept)) {
            assertThat(store.touch(s.key(), touch, now)).as("touch of a live session").isTrue();
        }

        assertThat(store.end(loggedOut.key(), SessionStatus.LOGGED_OUT, now)).isTrue();
        assertThat(store.endByPrincipal("bob", SessionStatus.REVOKED, now)).isEqualTo(1);
        assertThat(store.limitPrincipal("carol", kept.key(), 1, dev.sessionkit.SessionLimitMode.REPLACE_OLDEST, now))
                .containsExactly(replaced.key());
        store.flush();

        for (SessionData s : List.of(loggedOut, revoked, replaced)) {
            assertThat(store.load(s.key(), now)).as("ended before its touch was written").isEmpty();
        }
        assertThat(store.findByPrincipal("alice", now)).isEmpty();
        assertThat(store.findByPrincipal("bob", now)).isEmpty();
        assertThat(store.findByPrincipal("carol", now)).extracting(SessionData::key).containsExactly(kept.key());
        assertThat(store.load(kept.key(), now).orElseThrow().lastAccessedAt()).isEqualTo(now);
        assertThat(store.stats(now).active()).isEqualTo(1);
    }

    /** A touch made while the session was live, then the session expires and is purged: the touch creates nothing. */
    @Test
    void aTouchOfASessionPurgedBeforeItIsWrittenCreatesNothing() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).principal("alice").build();
        store.create(created);
        Instant now = t0.plusSeconds(60);
        assertThat(store.touch(created.key(), new Touch(now, now.plus(Fixtures.IDLE_TIMEOUT)), now)).isTrue();
        Instant muchLater = created.absoluteExpiresAt().plusSeconds(1);

        assertThat(store.purgeExpired(muchLater, 10)).containsExactly(created.key());
        store.flush();

        assertThat(store.load(created.key(), now)).isEmpty();
        assertThat(store.findByPrincipal("alice", now)).isEmpty();
        assertThat(store.purgeExpired(muchLater, 10)).isEmpty();
    }

    /**
     * Touches of one session from many threads at once, with their times shuffled, and writes made
     * visible meanwhile: the session keeps the latest access time and idle expiry, and loads as live
     * until then.
     */
    @Test
    @Timeout(120)
    void concurrentTouchesOfOneSessionKeepTheLatestTimes() throws Exception {
        Instant t0 = clock.instant();
        SessionData created = session(t0).build();
        store.create(created);
        int touchesPerThread = 50;
        List<Integer> seconds = new ArrayList<>();
        for (int i = 1; i <= THREADS * touchesPerThread; i++) {
            seconds.add(i);
        }
        java.util.Collections.shuffle(seconds, new java.util.Random(42));

        runConcurrently(THREADS, thread -> {
            for (int i = 0; i < touchesPerThread; i++) {
                Instant at = t0.plusSeconds(seconds.get(thread * touchesPerThread + i));
                assertThat(store.touch(created.key(), new Touch(at, at.plus(Fixtures.IDLE_TIMEOUT)), at)).isTrue();
                if (i % 10 == 9) {
                    store.flush();
                }
            }
        });
        store.flush();

        Instant latest = t0.plusSeconds(THREADS * touchesPerThread);
        SessionData loaded = store.load(created.key(), latest).orElseThrow();
        assertThat(loaded.lastAccessedAt()).isEqualTo(latest);
        assertThat(loaded.idleExpiresAt()).isEqualTo(latest.plus(Fixtures.IDLE_TIMEOUT));
        assertThat(loaded.version()).isGreaterThan(created.version());
        assertThat(store.load(created.key(), latest.plus(Fixtures.IDLE_TIMEOUT).minusSeconds(1))).isPresent();
    }

    // ---------------------------------------------------------------- expiry

    @Test
    void sessionExpiresOnceIdleTimeoutPassesWithoutTouch() {
        SessionData created = session(clock.instant()).build();
        store.create(created);

        clock.advance(Fixtures.IDLE_TIMEOUT.minusMinutes(1));
        assertThat(store.load(created.key(), clock.instant())).isPresent();

        clock.advance(Duration.ofMinutes(2));
        assertThat(store.load(created.key(), clock.instant())).isEmpty();
        assertThat(store.findLive(clock.instant(), 10)).isEmpty();
    }

    @Test
    void sessionExpiresAtAbsoluteExpiryEvenWhenKeptBusy() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).absoluteExpiresAt(t0.plus(Duration.ofHours(1))).build();
        store.create(created);

        for (int minutes = 20; minutes < 60; minutes += 20) {
            Instant now = clock.advance(Duration.ofMinutes(20));
            assertThat(store.touch(created.key(), new Touch(now, now.plus(Fixtures.IDLE_TIMEOUT)), now)).isTrue();
        }
        Instant now = clock.advance(Duration.ofMinutes(21));

        store.flush();
        assertThat(store.load(created.key(), now)).isEmpty();
        assertTouchFindsNoLiveSession(created.key(), new Touch(now, now.plus(Fixtures.IDLE_TIMEOUT)), now);
    }

    @Test
    void sessionIsNotLiveAtTheInstantItExpires() {
        SessionData created = session(clock.instant()).build();
        store.create(created);

        assertThat(store.load(created.key(), created.expiresAt().minusSeconds(1))).isPresent();
        assertThat(store.load(created.key(), created.expiresAt())).isEmpty();
    }

    @Test
    void livenessFollowsTheNowArgumentNotTheBackendsExpiry() {
        SessionData created = session(clock.instant()).build();
        store.create(created);
        Instant afterExpiry = created.expiresAt().plusSeconds(1);

        // The clock stays where it is: a store that only trusts its backend's own expiry fails here.
        assertThat(store.load(created.key(), afterExpiry)).isEmpty();
        assertThat(store.findLive(afterExpiry, 10)).isEmpty();
        assertTouchFindsNoLiveSession(created.key(), new Touch(afterExpiry, afterExpiry.plusSeconds(60)), afterExpiry);
        assertThat(store.load(created.key(), clock.instant())).contains(created);
    }

    // ---------------------------------------------------------------- change key

    @Test
    void changeKeyMovesSessionAndAppliesDelta() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).attribute("cart", "[1, 2]").build();
        store.create(created);
        LookupKey newKey = newKey();
        Instant loginAbsolute = t0.plus(Duration.ofDays(2));

        SessionData moved = store.changeKey(created.key(), newKey,
                delta().principal("alice").absoluteExpiresAt(loginAbsolute).set("login", "true").build(), t0)
                .orElseThrow();

        assertThat(moved.key()).isEqualTo(newKey);
        assertThat(moved.principal()).isEqualTo("alice");
        assertThat(moved.absoluteExpiresAt()).isEqualTo(loginAbsolute);
        assertThat(moved.attributes()).containsOnlyKeys("cart", "login");
        assertThat(moved.createdAt()).isEqualTo(created.createdAt());
        assertThat(moved.version()).isEqualTo(created.version() + 1);
        assertThat(store.load(newKey, t0)).contains(moved);
        assertThat(store.load(created.key(), t0)).isEmpty();
        assertThat(store.apply(created.key(), delta().set("late", "1").build(), t0)).isEmpty();
        assertTouchFindsNoLiveSession(created.key(), new Touch(t0, t0.plus(Fixtures.IDLE_TIMEOUT)), t0);
        assertThat(store.load(newKey, t0)).contains(moved);
        assertThat(store.findByPrincipal("alice", t0)).extracting(SessionData::key).containsExactly(newKey);
    }

    @Test
    void changeKeyOfSessionThatIsNotLiveReturnsEmptyAndCreatesNothing() {
        Instant t0 = clock.instant();
        SessionData ended = session(t0).build();
        SessionData expiring = session(t0).idleTimeout(Duration.ofMinutes(1)).build();
        store.create(ended);
        store.create(expiring);
        store.end(ended.key(), SessionStatus.LOGGED_OUT, t0);
        Instant later = t0.plus(Duration.ofMinutes(2));
        SessionDelta login = delta().principal("alice").build();

        for (LookupKey oldKey : List.of(newKey(), ended.key(), expiring.key())) {
            LookupKey target = newKey();
            assertThat(store.changeKey(oldKey, target, login, later)).isEmpty();
            assertThat(store.load(target, later)).isEmpty();
        }
        assertThat(store.findByPrincipal("alice", later)).isEmpty();
    }

    @Test
    void changeKeyToTakenKeyReturnsEmptyAndChangesNeitherSession() {
        Instant t0 = clock.instant();
        SessionData mover = session(t0).attribute("who", "\"mover\"").build();
        SessionData holder = session(t0).attribute("who", "\"holder\"").principal("bob").build();
        store.create(mover);
        store.create(holder);

        assertThat(store.changeKey(mover.key(), holder.key(), delta().principal("alice").build(), t0)).isEmpty();
        assertThat(store.changeKey(mover.key(), mover.key(), delta().principal("alice").build(), t0)).isEmpty();

        assertThat(store.load(mover.key(), t0)).contains(mover);
        assertThat(store.load(holder.key(), t0)).contains(holder);
        assertThat(store.findByPrincipal("alice", t0)).isEmpty();
    }

    // ---------------------------------------------------------------- renew key (id renewal)

    private static final Duration GRACE = Duration.ofSeconds(5);

    @Test
    void createKeepsWhenTheKeyWasIssued() {
        Instant t0 = clock.instant();
        SessionData renewedBefore = session(t0.minusSeconds(600)).keyIssuedAt(t0.minusSeconds(60)).build();
        SessionData fresh = session(t0).build();
        store.create(renewedBefore);
        store.create(fresh);

        assertThat(store.load(renewedBefore.key(), t0).orElseThrow().keyIssuedAt()).isEqualTo(t0.minusSeconds(60));
        assertThat(store.load(fresh.key(), t0).orElseThrow().keyIssuedAt()).isEqualTo(t0);
    }

    @Test
    void renewKeyMovesTheSessionKeepingItsDataAndTheOldKeyLoadsItUntilTheGraceEnds() {
        Instant t0 = clock.instant();
        SessionData created = session(t0.minusSeconds(900)).principal("alice").attribute("cart", "[1, 2]").build();
        store.create(created);
        LookupKey newKey = newKey();

        SessionData renewed = store.renewKey(created.key(), newKey, delta().set("seen", "true")
                .touch(t0, t0.plus(Fixtures.IDLE_TIMEOUT)).build(), t0.plus(GRACE), t0).orElseThrow();

        assertThat(renewed.key()).isEqualTo(newKey);
        assertThat(renewed.principal()).isEqualTo("alice");
        assertThat(renewed.attributes()).containsOnlyKeys("cart", "seen");
        assertThat(renewed.createdAt()).isEqualTo(created.createdAt());
        assertThat(renewed.absoluteExpiresAt()).isEqualTo(created.absoluteExpiresAt());
        assertThat(renewed.keyIssuedAt()).isEqualTo(t0);
        assertThat(renewed.lastAccessedAt()).isEqualTo(t0);
        assertThat(renewed.version()).isEqualTo(created.version() + 1);
        assertThat(store.load(newKey, t0)).contains(renewed);
        Instant lastGraceSecond = t0.plus(GRACE).minusSeconds(1);
        assertThat(store.load(created.key(), lastGraceSecond)).as("the old key, in the grace").contains(renewed);
        assertThat(store.load(created.key(), t0.plus(GRACE))).as("the old key, at the end of the grace").isEmpty();
        assertThat(store.load(newKey, t0.plus(GRACE))).contains(renewed);
        assertThat(store.findByPrincipal("alice", t0)).extracting(SessionData::key).containsExactly(newKey);
        assertThat(store.findLive(t0, 10)).extracting(SessionData::key).containsExactly(newKey);
        assertThat(store.stats(t0).active()).isEqualTo(1);
    }

    @Test
    void writesThroughThePreviousKeyDuringTheGraceApplyToTheSameSessionAndDoNotExtendTheGrace() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).principal("alice").build();
        store.create(created);
        LookupKey newKey = newKey();
        store.renewKey(created.key(), newKey, SessionDelta.empty(), t0.plus(GRACE), t0).orElseThrow();
        Instant inGrace = t0.plusSeconds(2);

        SessionData applied = store.apply(created.key(), delta().set("late", "1").increment("calls", 1).build(), inGrace)
                .orElseThrow();
        assertThat(touchAndFlush(created.key(), new Touch(inGrace, inGrace.plus(Fixtures.IDLE_TIMEOUT)), inGrace))
                .isTrue();

        assertThat(applied.key()).isEqualTo(newKey);
        SessionData current = store.load(newKey, inGrace).orElseThrow();
        assertThat(current.attributes()).containsEntry("late", json("1")).containsEntry("calls", json("1"));
        assertThat(current.lastAccessedAt()).isEqualTo(inGrace);
        Instant after = t0.plus(GRACE);
        assertThat(store.load(created.key(), after)).isEmpty();
        assertThat(store.apply(created.key(), delta().set("later", "1").build(), after)).isEmpty();
        assertTouchFindsNoLiveSession(created.key(), new Touch(after, after.plus(Fixtures.IDLE_TIMEOUT)), after);
        assertThat(store.end(created.key(), SessionStatus.LOGGED_OUT, after)).isFalse();
        assertThat(store.load(newKey, after).orElseThrow().attributes()).doesNotContainKey("later");
    }

    @Test
    void endingTheSessionDuringTheGraceThroughEitherKeyEndsItUnderBoth() {
        Instant t0 = clock.instant();
        Instant inGrace = t0.plusSeconds(1);
        for (boolean throughOldKey : new boolean[] {true, false}) {
            SessionData created = session(t0).principal("alice").build();
            store.create(created);
            LookupKey newKey = newKey();
            store.renewKey(created.key(), newKey, SessionDelta.empty(), t0.plus(GRACE), t0).orElseThrow();

            assertThat(store.end(throughOldKey ? created.key() : newKey, SessionStatus.LOGGED_OUT, inGrace))
                    .as("end through the %s key", throughOldKey ? "old" : "new").isTrue();

            assertThat(store.load(created.key(), inGrace)).isEmpty();
            assertThat(store.load(newKey, inGrace)).isEmpty();
            assertThat(store.apply(created.key(), delta().set("a", "1").build(), inGrace)).isEmpty();
            assertThat(store.end(throughOldKey ? newKey : created.key(), SessionStatus.LOGGED_OUT, inGrace)).isFalse();
        }
        assertThat(store.findByPrincipal("alice", inGrace)).isEmpty();
    }

    @Test
    void endByPrincipalDuringTheGraceEndsTheSessionUnderBothKeys() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).principal("alice").build();
        store.create(created);
        LookupKey newKey = newKey();
        store.renewKey(created.key(), newKey, SessionDelta.empty(), t0.plus(GRACE), t0).orElseThrow();

        assertThat(store.endByPrincipal("alice", SessionStatus.REVOKED, t0.plusSeconds(1))).isEqualTo(1);

        assertThat(store.load(created.key(), t0.plusSeconds(1))).isEmpty();
        assertThat(store.load(newKey, t0.plusSeconds(1))).isEmpty();
    }

    @Test
    void aSecondRenewalReplacesThePreviousKey() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).principal("alice").build();
        store.create(created);
        LookupKey second = newKey();
        LookupKey third = newKey();
        store.renewKey(created.key(), second, SessionDelta.empty(), t0.plus(GRACE), t0).orElseThrow();

        SessionData renewed = store.renewKey(second, third, SessionDelta.empty(), t0.plusSeconds(1).plus(GRACE),
                t0.plusSeconds(1)).orElseThrow();

        Instant inBothGraces = t0.plusSeconds(2);
        assertThat(renewed.keyIssuedAt()).isEqualTo(t0.plusSeconds(1));
        assertThat(store.load(created.key(), inBothGraces)).as("the first key").isEmpty();
        assertThat(store.apply(created.key(), delta().set("a", "1").build(), inBothGraces)).isEmpty();
        assertThat(store.load(second, inBothGraces)).as("the second key").map(SessionData::key).contains(third);
        assertThat(store.load(third, inBothGraces)).isPresent();
    }

    @Test
    void onlyTheCurrentKeyRenewsAndNeverOntoATakenKey() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).principal("alice").build();
        SessionData other = session(t0).principal("bob").build();
        SessionData ended = session(t0).build();
        store.create(created);
        store.create(other);
        store.create(ended);
        store.end(ended.key(), SessionStatus.LOGGED_OUT, t0);
        LookupKey newKey = newKey();
        SessionData renewed = store.renewKey(created.key(), newKey, SessionDelta.empty(), t0.plus(GRACE), t0)
                .orElseThrow();
        Instant inGrace = t0.plusSeconds(1);

        LookupKey target = newKey();
        assertThat(store.renewKey(created.key(), target, delta().set("a", "1").build(), inGrace.plus(GRACE), inGrace))
                .as("through the previous key").isEmpty();
        assertThat(store.renewKey(newKey, other.key(), SessionDelta.empty(), inGrace.plus(GRACE), inGrace))
                .as("onto a taken key").isEmpty();
        assertThat(store.renewKey(newKey, newKey, SessionDelta.empty(), inGrace.plus(GRACE), inGrace))
                .as("onto its own key").isEmpty();
        assertThat(store.renewKey(ended.key(), newKey(), SessionDelta.empty(), inGrace.plus(GRACE), inGrace))
                .as("an ended session").isEmpty();
        assertThat(store.renewKey(newKey(), newKey(), SessionDelta.empty(), inGrace.plus(GRACE), inGrace))
                .as("an unknown key").isEmpty();

        assertThat(store.load(target, inGrace)).isEmpty();
        assertThat(store.load(newKey, inGrace)).contains(renewed);
        assertThat(store.load(created.key(), inGrace)).contains(renewed);
        assertThat(store.load(other.key(), inGrace)).contains(other);
    }

    @Test
    void renewKeyOfAnExpiredSessionReturnsEmpty() {
        Instant t0 = clock.instant();
        SessionData expiring = session(t0).idleTimeout(Duration.ofMinutes(1)).build();
        store.create(expiring);
        Instant later = t0.plus(Duration.ofMinutes(1));
        LookupKey target = newKey();

        assertThat(store.renewKey(expiring.key(), target, SessionDelta.empty(), later.plus(GRACE), later)).isEmpty();
        assertThat(store.load(target, t0)).isEmpty();
    }

    @Test
    void thePreviousKeyDiesWithTheSessionWhenItExpiresDuringTheGrace() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).absoluteExpiresAt(t0.plusSeconds(3)).build();
        store.create(created);
        LookupKey newKey = newKey();
        store.renewKey(created.key(), newKey, SessionDelta.empty(), t0.plus(GRACE), t0).orElseThrow();

        assertThat(store.load(created.key(), t0.plusSeconds(3))).isEmpty();
        assertThat(store.apply(created.key(), delta().set("a", "1").build(), t0.plusSeconds(3))).isEmpty();
        assertThat(store.purgeExpired(t0.plusSeconds(4), 10)).containsExactly(newKey);
        assertThat(store.load(created.key(), t0.plusSeconds(4))).isEmpty();
    }

    @Test
    void changeKeyDropsThePreviousKeyAtOnceAndRestartsWhenTheKeyWasIssued() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).principal("alice").build();
        store.create(created);
        LookupKey second = newKey();
        store.renewKey(created.key(), second, SessionDelta.empty(), t0.plus(GRACE), t0).orElseThrow();
        Instant inGrace = t0.plusSeconds(1);
        LookupKey third = newKey();

        SessionData moved = store.changeKey(second, third, delta().principal("alice").build(), inGrace).orElseThrow();

        assertThat(moved.keyIssuedAt()).isEqualTo(inGrace);
        assertThat(store.load(created.key(), inGrace)).as("the key before the renewal").isEmpty();
        assertThat(store.load(second, inGrace)).as("the key before the change").isEmpty();
        assertThat(store.load(third, inGrace)).contains(moved);
    }

    @Test
    void changeKeyThroughThePreviousKeyDuringTheGraceMovesTheSessionAndKillsBothOldKeys() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).principal("alice").build();
        store.create(created);
        LookupKey second = newKey();
        store.renewKey(created.key(), second, SessionDelta.empty(), t0.plus(GRACE), t0).orElseThrow();
        Instant inGrace = t0.plusSeconds(1);
        LookupKey third = newKey();

        SessionData moved = store.changeKey(created.key(), third, delta().set("relogin", "true").build(), inGrace)
                .orElseThrow();

        assertThat(moved.key()).isEqualTo(third);
        assertThat(moved.attributes()).containsKey("relogin");
        assertThat(store.load(created.key(), inGrace)).isEmpty();
        assertThat(store.load(second, inGrace)).isEmpty();
        assertThat(store.findByPrincipal("alice", inGrace)).extracting(SessionData::key).containsExactly(third);
    }

    @Test
    void renewKeyChecksItsInputAndWritesNothingWhenItFails() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).build();
        store.create(created);
        LookupKey target = newKey();

        assertThatThrownBy(() -> store.renewKey(created.key(), target, delta().set("bad", "\"\\u0000\"").build(),
                t0.plus(GRACE), t0)).isInstanceOf(AttributeSerializationException.class);
        assertThatThrownBy(() -> store.renewKey(created.key(), target, SessionDelta.empty(), t0.minusSeconds(1), t0))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(store.load(target, t0)).isEmpty();
        assertThat(store.load(created.key(), t0)).contains(created);
    }

    @Test
    @Timeout(120)
    void concurrentRenewalsOfOneSessionLetExactlyOneWin() throws Exception {
        Instant t0 = clock.instant();
        SessionData created = session(t0).principal("alice").build();
        store.create(created);
        List<LookupKey> targets = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            targets.add(newKey());
        }
        AtomicInteger wins = new AtomicInteger();

        runConcurrently(THREADS, i -> {
            if (store.renewKey(created.key(), targets.get(i), SessionDelta.empty(), t0.plus(GRACE), t0).isPresent()) {
                wins.incrementAndGet();
            }
        });

        assertThat(wins).hasValue(1);
        List<LookupKey> live = targets.stream().filter(k -> store.load(k, t0).isPresent()).toList();
        assertThat(live).hasSize(1);
        assertThat(store.load(created.key(), t0)).map(SessionData::key).contains(live.get(0));
    }

    @Test
    void renewKeyAfterCloseFailsWithIllegalStateException() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).build();
        store.create(created);

        store.close();

        assertThatIllegalStateException()
                .isThrownBy(() -> store.renewKey(created.key(), newKey(), SessionDelta.empty(), t0.plus(GRACE), t0));
    }

    // ---------------------------------------------------------------- end

    @Test
    void endedSessionCanNeitherBeLoadedNorWritten() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).principal("alice").build();
        store.create(created);

        assertThat(store.end(created.key(), SessionStatus.LOGGED_OUT, t0)).isTrue();

        assertThat(store.load(created.key(), t0)).isEmpty();
        assertThat(store.apply(created.key(), delta().set("a", "1").build(), t0)).isEmpty();
        assertTouchFindsNoLiveSession(created.key(), new Touch(t0, t0.plus(Fixtures.IDLE_TIMEOUT)), t0);
        assertThat(store.changeKey(created.key(), newKey(), SessionDelta.empty(), t0)).isEmpty();
        assertThat(store.end(created.key(), SessionStatus.REVOKED, t0)).isFalse();
        assertThat(store.findByPrincipal("alice", t0)).isEmpty();
        assertThat(store.findLive(t0, 10)).isEmpty();
        assertThat(store.load(created.key(), t0)).isEmpty();
    }

    @Test
    void endOfUnknownOrExpiredSessionReturnsFalse() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).build();
        store.create(created);

        assertThat(store.end(newKey(), SessionStatus.LOGGED_OUT, t0)).isFalse();
        assertThat(store.end(created.key(), SessionStatus.LOGGED_OUT, created.expiresAt())).isFalse();
    }

    @Test
    void endWithActiveAsReasonIsRejected() {
        SessionData created = session(clock.instant()).principal("alice").build();
        store.create(created);

        assertThatThrownBy(() -> store.end(created.key(), SessionStatus.ACTIVE, clock.instant()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.endByPrincipal("alice", SessionStatus.ACTIVE, clock.instant()))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(store.load(created.key(), clock.instant())).contains(created);
    }

    // ---------------------------------------------------------------- principals

    @Test
    void findByPrincipalListsOnlyLiveSessionsOfThatPrincipalOldestFirst() {
        Instant t0 = clock.instant();
        List<SessionData> alices = new ArrayList<>();
        // Created out of order, so a store that lists in insertion or hash order fails.
        for (int minutesAgo : new int[] {3, 9, 1, 7, 5, 8, 2}) {
            SessionData s = session(t0.minus(Duration.ofMinutes(minutesAgo))).principal("alice").build();
            store.create(s);
            alices.add(s);
        }
        alices.sort(Comparator.comparing(SessionData::createdAt));
        SessionData expired = session(t0.minusSeconds(900)).principal("alice")
                .absoluteExpiresAt(t0.minusSeconds(1)).build();
        SessionData ended = session(t0.minusSeconds(800)).principal("alice").build();
        SessionData other = session(t0.minusSeconds(700)).principal("bob").build();
        SessionData anonymous = session(t0.minusSeconds(500)).build();
        for (SessionData s : List.of(expired, ended, other, anonymous)) {
            store.create(s);
        }
        store.end(ended.key(), SessionStatus.LOGGED_OUT, t0);

        assertThat(store.findByPrincipal("alice", t0)).containsExactlyElementsOf(alices);
        assertThat(store.findByPrincipal("bob", t0)).containsExactly(other);
        assertThat(store.findByPrincipal("carol", t0)).isEmpty();
        assertThat(store.findByPrincipal("ALICE", t0)).isEmpty();
    }

    @Test
    void findByPrincipalFollowsPrincipalChanges() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).build();
        store.create(created);

        store.apply(created.key(), delta().principal("alice").build(), t0);
        assertThat(store.findByPrincipal("alice", t0)).extracting(SessionData::key).containsExactly(created.key());

        store.apply(created.key(), delta().principal("bob").build(), t0);
        assertThat(store.findByPrincipal("alice", t0)).isEmpty();
        assertThat(store.findByPrincipal("bob", t0)).extracting(SessionData::key).containsExactly(created.key());

        store.apply(created.key(), delta().principal(null).build(), t0);
        assertThat(store.findByPrincipal("bob", t0)).isEmpty();
    }

    @Test
    void endByPrincipalEndsEveryLiveSessionOfThatPrincipalOnly() {
        Instant t0 = clock.instant();
        List<SessionData> alices = List.of(
                session(t0).principal("alice").build(),
                session(t0.minusSeconds(10)).principal("alice").build(),
                session(t0.minusSeconds(20)).principal("alice").build());
        SessionData expiredAlice = session(t0.minusSeconds(30)).principal("alice")
                .absoluteExpiresAt(t0.minusSeconds(1)).build();
        SessionData bob = session(t0).principal("bob").build();
        SessionData anonymous = session(t0).build();
        alices.forEach(store::create);
        store.create(expiredAlice);
        store.create(bob);
        store.create(anonymous);

        assertThat(store.endByPrincipal("alice", SessionStatus.REVOKED, t0)).isEqualTo(3);

        for (SessionData alice : alices) {
            assertThat(store.load(alice.key(), t0)).isEmpty();
            assertThat(store.apply(alice.key(), delta().set("a", "1").build(), t0)).isEmpty();
        }
        assertThat(store.findByPrincipal("alice", t0)).isEmpty();
        assertThat(store.load(bob.key(), t0)).contains(bob);
        assertThat(store.load(anonymous.key(), t0)).contains(anonymous);
        assertThat(store.endByPrincipal("alice", SessionStatus.REVOKED, t0)).isZero();
        assertThat(store.endByPrincipal("nobody", SessionStatus.REVOKED, t0)).isZero();
    }

    @Test
    void endOthersByPrincipalEndsEverySessionOfThePrincipalButTheOneKept() {
        Instant t0 = clock.instant();
        SessionData mine = session(t0).principal("alice").build();
        SessionData phone = session(t0.minusSeconds(10)).principal("alice").build();
        SessionData laptop = session(t0.minusSeconds(20)).principal("alice").build();
        SessionData bob = session(t0).principal("bob").build();
        List.of(mine, phone, laptop, bob).forEach(store::create);

        assertThat(store.endOthersByPrincipal("alice", mine.key(), SessionStatus.REVOKED, t0)).isEqualTo(2);

        assertThat(store.load(mine.key(), t0)).contains(mine);
        assertThat(store.load(phone.key(), t0)).isEmpty();
        assertThat(store.load(laptop.key(), t0)).isEmpty();
        assertThat(store.load(bob.key(), t0)).contains(bob);
        assertThat(store.endOthersByPrincipal("alice", mine.key(), SessionStatus.REVOKED, t0)).isZero();
        assertThat(store.endOthersByPrincipal("alice", newKey(), SessionStatus.REVOKED, t0)).isEqualTo(1);
        assertThatThrownBy(() -> store.endOthersByPrincipal("bob", bob.key(), SessionStatus.ACTIVE, t0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- the per-user limit

    @Test
    void limitReplacingOldestEndsTheOldestOthersAndNeverTheCurrentOne() {
        Instant t0 = clock.instant();
        SessionData oldest = session(t0.minusSeconds(30)).principal("alice").build();
        SessionData older = session(t0.minusSeconds(20)).principal("alice").build();
        SessionData newer = session(t0.minusSeconds(10)).principal("alice").build();
        SessionData current = session(t0.minusSeconds(40)).principal("alice").build();
        SessionData bob = session(t0.minusSeconds(50)).principal("bob").build();
        List.of(oldest, older, newer, current, bob).forEach(store::create);

        List<LookupKey> ended = store.limitPrincipal("alice", current.key(), 2,
                dev.sessionkit.SessionLimitMode.REPLACE_OLDEST, t0);

        assertThat(ended).containsExactly(oldest.key(), older.key());
        assertThat(store.findByPrincipal("alice", t0)).extracting(SessionData::key)
                .containsExactlyInAnyOrder(current.key(), newer.key());
        assertThat(store.load(bob.key(), t0)).contains(bob);
        assertThat(store.apply(oldest.key(), delta().set("a", "1").build(), t0)).as("a replaced session stays dead")
                .isEmpty();
        assertThat(store.limitPrincipal("alice", current.key(), 2, dev.sessionkit.SessionLimitMode.REPLACE_OLDEST, t0))
                .isEmpty();
        assertThat(store.limitPrincipal("alice", current.key(), 1, dev.sessionkit.SessionLimitMode.REPLACE_OLDEST, t0))
                .containsExactly(newer.key());
        assertThat(store.findByPrincipal("alice", t0)).extracting(SessionData::key).containsExactly(current.key());
        assertThat(store.limitPrincipal("alice", oldest.key(), 1, dev.sessionkit.SessionLimitMode.REPLACE_OLDEST, t0))
                .as("a login whose session was already replaced takes no place").isEmpty();
        assertThat(store.findByPrincipal("alice", t0)).extracting(SessionData::key).containsExactly(current.key());
    }

    @Test
    void limitRefusingNewEndsTheCurrentSessionOnlyWhenTheOthersFillTheLimit() {
        Instant t0 = clock.instant();
        SessionData first = session(t0.minusSeconds(20)).principal("alice").build();
        SessionData second = session(t0.minusSeconds(10)).principal("alice").build();
        SessionData third = session(t0).principal("alice").build();
        SessionData expired = session(t0.minusSeconds(30)).principal("alice").absoluteExpiresAt(t0.minusSeconds(1)).build();
        store.create(expired);
        store.create(first);

        assertThat(store.limitPrincipal("alice", first.key(), 2, dev.sessionkit.SessionLimitMode.REFUSE_NEW, t0))
                .as("an expired session does not count").isEmpty();
        store.create(second);
        assertThat(store.limitPrincipal("alice", second.key(), 2, dev.sessionkit.SessionLimitMode.REFUSE_NEW, t0))
                .isEmpty();
        store.create(third);
        assertThat(store.limitPrincipal("alice", third.key(), 2, dev.sessionkit.SessionLimitMode.REFUSE_NEW, t0))
                .containsExactly(third.key());

        assertThat(store.load(third.key(), t0)).isEmpty();
        assertThat(store.findByPrincipal("alice", t0)).extracting(SessionData::key)
                .containsExactlyInAnyOrder(first.key(), second.key());
        assertThatThrownBy(() -> store.limitPrincipal("alice", first.key(), 0,
                dev.sessionkit.SessionLimitMode.REFUSE_NEW, t0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.limitPrincipal("nobody\u0000", first.key(), 1, dev.sessionkit.SessionLimitMode.REPLACE_OLDEST,
                t0)).as("a principal no store can hold has no sessions").isEmpty();
    }

    @Test
    @Timeout(120)
    void parallelLoginsLeaveExactlyTheLimitInEitherMode() throws Exception {
        for (dev.sessionkit.SessionLimitMode mode : dev.sessionkit.SessionLimitMode.values()) {
            for (int round = 0; round < 3; round++) {
                String user = "racer-" + mode.code() + "-" + round;
                Instant t0 = clock.instant();
                List<LookupKey> keys = java.util.Collections.synchronizedList(new ArrayList<>());
                runConcurrently(16, thread -> {
                    SessionData login = session(t0.minusMillis(1000L * thread)).principal(user).build();
                    store.create(login);
                    keys.add(login.key());
                    store.limitPrincipal(user, login.key(), 3, mode, t0);
                });
                assertThat(store.findByPrincipal(user, t0)).as(mode + " round " + round).hasSize(3);
                assertThat(keys).hasSize(16);
            }
        }
    }

    // ---------------------------------------------------------------- status of a key

    @Test
    void statusOfTellsLiveFromUnknownAndNeverMistakesOneEndForAnother() {
        Instant t0 = clock.instant();
        SessionData live = session(t0).build();
        SessionData loggedOut = session(t0).build();
        SessionData revoked = session(t0).build();
        SessionData expiring = session(t0).absoluteExpiresAt(t0.plus(Duration.ofMinutes(1))).build();
        List.of(live, loggedOut, revoked, expiring).forEach(store::create);
        store.end(loggedOut.key(), SessionStatus.LOGGED_OUT, t0);
        store.end(revoked.key(), SessionStatus.REVOKED, t0);
        Instant later = t0.plus(Duration.ofMinutes(2));

        assertThat(store.statusOf(live.key(), t0)).contains(SessionStatus.ACTIVE);
        assertThat(store.statusOf(newKey(), t0)).isEmpty();
        // a store without an audit trail may have forgotten an ended session, but never gets its end wrong
        assertThat(store.statusOf(loggedOut.key(), t0)).isIn(Optional.empty(), Optional.of(SessionStatus.LOGGED_OUT));
        assertThat(store.statusOf(revoked.key(), t0)).isIn(Optional.empty(), Optional.of(SessionStatus.REVOKED));
        assertThat(store.statusOf(expiring.key(), later)).isIn(Optional.empty(), Optional.of(SessionStatus.EXPIRED));
    }

    // ---------------------------------------------------------------- find live, purge, stats

    @Test
    void findLiveListsLiveSessionsOldestFirstUpToLimit() {
        Instant t0 = clock.instant();
        List<SessionData> live = new ArrayList<>();
        for (int minutesAgo : new int[] {4, 0, 6, 1, 5, 3, 2}) {
            SessionData s = session(t0.minus(Duration.ofMinutes(minutesAgo)))
                    .principal(minutesAgo % 2 == 0 ? "alice" : null).build();
            store.create(s);
            live.add(s);
        }
        live.sort(Comparator.comparing(SessionData::createdAt));
        SessionData expired = session(t0.minusSeconds(900)).absoluteExpiresAt(t0).build();
        SessionData ended = session(t0.minusSeconds(800)).build();
        store.create(expired);
        store.create(ended);
        store.end(ended.key(), SessionStatus.LOGGED_OUT, t0);

        assertThat(store.findLive(t0, 10)).containsExactlyElementsOf(live);
        assertThat(store.findLive(t0, 3)).containsExactlyElementsOf(live.subList(0, 3));
        assertThat(store.findLive(t0, 1)).containsExactly(live.get(0));
    }

    @Test
    void nonPositiveLimitsAreRejected() {
        assertThatThrownBy(() -> store.findLive(clock.instant(), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.purgeExpired(clock.instant(), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.purgeExpired(clock.instant(), -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void purgeExpiredRemovesOnlyExpiredSessionsInBatchesAndReturnsTheirKeys() {
        Instant t0 = clock.instant();
        Set<LookupKey> expiring = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            SessionData s = i % 2 == 0
                    ? session(t0).idleTimeout(Duration.ofMinutes(10)).principal("alice").build()
                    : session(t0).absoluteExpiresAt(t0.plus(Duration.ofMinutes(10))).build();
            store.create(s);
            expiring.add(s.key());
        }
        List<SessionData> live = List.of(session(t0).principal("alice").build(), session(t0).build(),
                session(t0).build());
        live.forEach(store::create);
        // Later than the clock, so the sessions are still there even in stores that drop expired data themselves.
        Instant now = t0.plus(Duration.ofMinutes(20));

        List<LookupKey> purged = new ArrayList<>();
        List<Integer> batchSizes = new ArrayList<>();
        List<LookupKey> batch;
        do {
            batch = store.purgeExpired(now, 3);
            batchSizes.add(batch.size());
            purged.addAll(batch);
        } while (batch.size() == 3 && batchSizes.size() < 10);

        assertThat(batchSizes).containsExactly(3, 3, 1);
        assertThat(purged).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expiring);
        for (SessionData s : live) {
            assertThat(store.load(s.key(), now)).contains(s);
        }
        for (LookupKey key : expiring) {
            assertThat(store.load(key, t0)).as("a purged session is gone even for an earlier now").isEmpty();
        }
        assertThat(store.findByPrincipal("alice", now)).containsExactly(live.get(0));
        assertThat(store.stats(now).active()).isEqualTo(3);
        assertThat(store.stats(now).expired()).isZero();
        assertThat(store.purgeExpired(now, 3)).isEmpty();
    }

    @Test
    void purgeExpiredWithNothingExpiredRemovesNothing() {
        SessionData created = session(clock.instant()).build();
        store.create(created);

        assertThat(store.purgeExpired(clock.instant(), 100)).isEmpty();

        assertThat(store.load(created.key(), clock.instant())).contains(created);
    }

    @Test
    void statsCountTotalActiveAndExpired() {
        Instant t0 = clock.instant();
        assertThat(store.stats(t0)).isEqualTo(new SessionStats(0, 0, 0));
        for (int i = 0; i < 3; i++) {
            store.create(session(t0).build());
        }
        store.create(session(t0).idleTimeout(Duration.ofMinutes(5)).build());
        store.create(session(t0).absoluteExpiresAt(t0.plus(Duration.ofMinutes(5))).build());

        assertThat(store.stats(t0)).isEqualTo(new SessionStats(5, 5, 0));
        assertThat(store.stats(t0.plus(Duration.ofMinutes(10)))).isEqualTo(new SessionStats(5, 3, 2));
    }

    @Test
    void endedSessionIsNoLongerCountedActive() {
        Instant t0 = clock.instant();
        SessionData ended = session(t0).build();
        store.create(ended);
        store.create(session(t0).build());

        store.end(ended.key(), SessionStatus.LOGGED_OUT, t0);

        SessionStats stats = store.stats(t0);
        assertThat(stats.active()).isEqualTo(1);
        assertThat(stats.expired()).isZero();
    }

    // ---------------------------------------------------------------- corrupt data, bad attributes

    @Test
    void corruptDataLoadsAsNoSessionWithoutDisturbingOthers() {
        Instant t0 = clock.instant();
        SessionData damaged = session(t0.minusSeconds(10)).principal("alice").attribute("a", "1").build();
        SessionData healthy = session(t0).principal("alice").attribute("a", "2").build();
        store.create(damaged);
        store.create(healthy);

        corrupt(store, damaged.key());

        assertThatCode(() -> assertThat(store.load(damaged.key(), t0)).isEmpty()).doesNotThrowAnyException();
        assertThat(store.load(damaged.key(), t0)).isEmpty();
        assertThat(store.load(healthy.key(), t0)).contains(healthy);
        assertThat(store.findByPrincipal("alice", t0)).containsExactly(healthy);
        assertThat(store.findLive(t0, 10)).containsExactly(healthy);
        assertThatCode(() -> store.stats(t0)).doesNotThrowAnyException();
        assertThat(store.apply(healthy.key(), delta().increment("a", 1).build(), t0)).isPresent();
    }

    @Test
    void createRejectsAttributeHoldingNulCharacter() {
        SessionData bad = session(clock.instant()).attribute("good", "1")
                .attribute("bad", JsonNodeFactory.instance.textNode("a\u0000b")).build();

        assertThatThrownBy(() -> store.create(bad))
                .isInstanceOfSatisfying(AttributeSerializationException.class,
                        e -> assertThat(e.attributeName()).isEqualTo("bad"));

        assertThat(store.load(bad.key(), clock.instant())).isEmpty();
    }

    @Test
    void applyRejectsAttributeHoldingLoneSurrogateAndChangesNothing() {
        SessionData created = session(clock.instant()).attribute("a", "1").build();
        store.create(created);
        ObjectNode badKey = JsonNodeFactory.instance.objectNode();
        badKey.put("k\uDC00", 1);

        assertThatThrownBy(() -> store.apply(created.key(),
                delta().set("ok", "2").set("bad", JsonNodeFactory.instance.textNode("x\uD800y")).build(),
                clock.instant()))
                .isInstanceOfSatisfying(AttributeSerializationException.class,
                        e -> assertThat(e.attributeName()).isEqualTo("bad"));
        assertThatThrownBy(() -> store.apply(created.key(), delta().set("nested", badKey).build(), clock.instant()))
                .isInstanceOf(AttributeSerializationException.class);

        assertThat(store.load(created.key(), clock.instant())).contains(created);
    }

    @Test
    void changeKeyRejectsUnstorableAttributeAndMovesNothing() {
        SessionData created = session(clock.instant()).build();
        store.create(created);
        LookupKey target = newKey();

        assertThatThrownBy(() -> store.changeKey(created.key(), target,
                delta().set("bad", JsonNodeFactory.instance.arrayNode().add("\u0000")).build(), clock.instant()))
                .isInstanceOf(AttributeSerializationException.class);

        assertThat(store.load(created.key(), clock.instant())).contains(created);
        assertThat(store.load(target, clock.instant())).isEmpty();
    }

    @Test
    void createRejectsUnstorableAttributeNamesAndPrincipalsAndStoresNothing() {
        Instant t0 = clock.instant();
        SessionData badName = session(t0).attribute("ok", "1").attribute("bad\u0000name", "1").build();
        SessionData loneSurrogateName = session(t0).attribute("x\uDC00", "1").build();
        SessionData nulPrincipal = session(t0).principal("eve\u0000").build();
        SessionData surrogatePrincipal = session(t0).principal("eve\uD800").build();

        assertThatThrownBy(() -> store.create(badName))
                .isInstanceOfSatisfying(AttributeSerializationException.class, e -> {
                    assertThat(e.attributeName()).isEqualTo("bad\u0000name");
                    assertThat(e.reason()).isEqualTo(AttributeSerializationException.Reason.NOT_STORABLE);
                });
        assertThatThrownBy(() -> store.create(loneSurrogateName)).isInstanceOf(AttributeSerializationException.class);
        assertThatThrownBy(() -> store.create(nulPrincipal)).isExactlyInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.create(surrogatePrincipal)).isExactlyInstanceOf(IllegalArgumentException.class);

        for (SessionData refused : List.of(badName, loneSurrogateName, nulPrincipal, surrogatePrincipal)) {
            assertThat(store.load(refused.key(), t0)).isEmpty();
        }
        assertThat(store.stats(t0).total()).isZero();
    }

    @Test
    void applyAndChangeKeyRejectUnstorableNamesSetRemovedOrIncrementedAndPrincipalsAndWriteNothing() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).attribute("a", "1").principal("alice").build();
        store.create(created);
        LookupKey target = newKey();
        List<SessionDelta> badNames = List.of(
                delta().set("ok", "2").set("bad\u0000name", "1").build(),
                delta().set("ok", "2").remove("bad\u0000").build(),
                delta().set("ok", "2").remove("x\uD800").build(),
                delta().set("ok", "2").increment("bad\u0000", 1).build());
        SessionDelta badPrincipal = delta().set("ok", "2").principal("eve\u0000").build();

        assertThatThrownBy(() -> store.apply(created.key(), badNames.get(0), t0))
                .isInstanceOfSatisfying(AttributeSerializationException.class,
                        e -> assertThat(e.attributeName()).isEqualTo("bad\u0000name"));
        for (SessionDelta delta : badNames) {
            assertThatThrownBy(() -> store.apply(created.key(), delta, t0))
                    .as("apply %s", delta).isInstanceOf(AttributeSerializationException.class);
            assertThatThrownBy(() -> store.changeKey(created.key(), target, delta, t0))
                    .as("changeKey %s", delta).isInstanceOf(AttributeSerializationException.class);
        }
        assertThatThrownBy(() -> store.apply(created.key(), badPrincipal, t0))
                .isExactlyInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.changeKey(created.key(), target, badPrincipal, t0))
                .isExactlyInstanceOf(IllegalArgumentException.class);

        assertThat(store.load(created.key(), t0)).contains(created);
        assertThat(store.load(target, t0)).isEmpty();
    }

    @Test
    void principalsNoStoreCanHoldFindAndEndNothing() {
        Instant t0 = clock.instant();
        SessionData alice = session(t0).principal("alice").build();
        store.create(alice);

        assertThat(store.findByPrincipal("alice\u0000", t0)).isEmpty();
        assertThat(store.findByPrincipal("alice\uD800", t0)).isEmpty();
        assertThat(store.endByPrincipal("alice\u0000", SessionStatus.REVOKED, t0)).isZero();

        assertThat(store.load(alice.key(), t0)).contains(alice);
    }

    @Test
    void createKeepsClientTextAsCoreCleansIt() {
        Instant t0 = clock.instant();
        String agent = "Mozilla\u0000\uD800 \uD83D\uDE00 x\uDC00";
        SessionData created = session(t0).principal("alice").client("::1\u0000", agent).build();

        assertThat(store.create(created)).isTrue();

        SessionData expected = created.toBuilder().ip("::1\uFFFD")
                .userAgent("Mozilla\uFFFD\uFFFD \uD83D\uDE00 x\uFFFD").build();
        assertThat(expected.userAgent()).isEqualTo(SessionJson.clientText(agent));
        assertThat(store.load(created.key(), t0)).contains(expected);
        assertThat(store.findByPrincipal("alice", t0)).containsExactly(expected);
        SessionData clean = session(t0).client("203.0.113.7", "curl/8 \uD83D\uDE00").build();
        store.create(clean);
        assertThat(store.load(clean.key(), t0)).contains(clean);
    }

    // ---------------------------------------------------------------- lifecycle

    @Test
    void pingAnswers() {
        assertThatCode(store::ping).doesNotThrowAnyException();
        assertThat(store.name()).isNotBlank();
    }

    @Test
    void closeIsIdempotent() {
        store.close();

        assertThatCode(store::close).doesNotThrowAnyException();
    }

    @Test
    void everyOperationAfterCloseFailsWithIllegalStateException() {
        Instant t0 = clock.instant();
        SessionData created = session(t0).principal("alice").build();
        store.create(created);
        Touch touch = new Touch(t0, t0.plus(Fixtures.IDLE_TIMEOUT));
        SessionDelta delta = delta().set("a", "1").build();

        store.close();

        assertThatIllegalStateException().as("load").isThrownBy(() -> store.load(created.key(), t0));
        assertThatIllegalStateException().as("create").isThrownBy(() -> store.create(session(t0).build()));
        assertThatIllegalStateException().as("apply").isThrownBy(() -> store.apply(created.key(), delta, t0));
        assertThatIllegalStateException().as("changeKey")
                .isThrownBy(() -> store.changeKey(created.key(), newKey(), delta, t0));
        assertThatIllegalStateException().as("touch").isThrownBy(() -> store.touch(created.key(), touch, t0));
        assertThatIllegalStateException().as("end")
                .isThrownBy(() -> store.end(created.key(), SessionStatus.LOGGED_OUT, t0));
        assertThatIllegalStateException().as("findByPrincipal").isThrownBy(() -> store.findByPrincipal("alice", t0));
        assertThatIllegalStateException().as("endByPrincipal")
                .isThrownBy(() -> store.endByPrincipal("alice", SessionStatus.REVOKED, t0));
        assertThatIllegalStateException().as("findLive").isThrownBy(() -> store.findLive(t0, 10));
        assertThatIllegalStateException().as("purgeExpired").isThrownBy(() -> store.purgeExpired(t0, 10));
        assertThatIllegalStateException().as("stats").isThrownBy(() -> store.stats(t0));
        assertThatIllegalStateException().as("ping").isThrownBy(store::ping);
        assertThat(store.name()).isNotBlank();
    }

    // ---------------------------------------------------------------- helpers

    /** A touch made visible: {@link SessionStore#touch}, then {@link SessionStore#flush()}; returns what touch said. */
    private boolean touchAndFlush(LookupKey key, Touch touch, Instant now) {
        boolean accepted = store.touch(key, touch, now);
        store.flush();
        return accepted;
    }

    /**
     * A touch of a key that names no live session at {@code now}: false, or for a store that
     * {@link #defersTouches() defers touches} anything; either way, once flushed, the key still
     * loads nothing at {@code now}.
     */
    private void assertTouchFindsNoLiveSession(LookupKey key, Touch touch, Instant now) {
        boolean accepted = touchAndFlush(key, touch, now);
        if (!defersTouches()) {
            assertThat(accepted).as("touch of a key with no live session").isFalse();
        }
        assertThat(store.load(key, now)).as("a touch revived nothing").isEmpty();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            assertThat(latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("writers made no progress").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Runs {@code task} on {@code threads} threads released at the same moment, and rethrows the
     * first failure.
     */
    private static void runConcurrently(int threads, IntConsumer task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    task.accept(thread);
                    return null;
                }));
            }
            assertThat(ready.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            go.countDown();
            for (Future<?> future : futures) {
                future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
