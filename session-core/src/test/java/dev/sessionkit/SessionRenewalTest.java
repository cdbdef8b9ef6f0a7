package dev.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Id renewal during a session ({@code SESSION_RENEWAL_INTERVAL}, {@code SESSION_RENEWAL_GRACE}) as
 * the manager decides it, on a store that keeps the previous key as the contract says. The stores
 * themselves are held to it by {@code SessionStoreContract}; the servlet filter by its contract.
 */
final class SessionRenewalTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-test";
    private static final Duration INTERVAL = Duration.ofMinutes(15);
    private static final Duration GRACE = Duration.ofSeconds(5);

    private final TestClock clock = new TestClock();
    private final RecordingStore store = new RecordingStore();
    private final List<String> events = new ArrayList<>();

    private SessionManager manager(SessionSettings.Builder settings) {
        return SessionManager.builder().settings(settings.build()).store(store).clock(clock).sweeper(false)
                .listener(new SessionListener() {
                    @Override
                    public void sessionIdChanged(LookupKey oldKey, SessionData session) {
                        events.add("idChanged " + oldKey.value() + " -> " + session.key().value());
                    }

                    @Override
                    public void sessionDestroyed(LookupKey key, SessionStatus reason) {
                        events.add("destroyed " + key.value());
                    }
                }).build();
    }

    private static SessionSettings.Builder renewing() {
        return SessionSettings.builder().secrets(SECRET).ttl(Duration.ofMinutes(30)).absoluteTtl(Duration.ofHours(8))
                .touchInterval(Duration.ofMinutes(1)).renewalInterval(INTERVAL).renewalGrace(GRACE);
    }

    private static Optional<String> request(SessionManager manager, String cookie, Consumer<SessionContext> work) {
        SessionContext context = manager.resolve(RequestInfo.ofCookie(cookie));
        work.accept(context);
        return manager.commit(context).setCookie();
    }

    private static String cookieOf(String setCookie) {
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static Optional<String> principal(SessionManager manager, String cookie) {
        return manager.resolve(RequestInfo.ofCookie(cookie)).session().flatMap(Session::principal);
    }

    private String signIn(SessionManager manager) {
        String cookie = cookieOf(request(manager, null, c -> c.getOrCreate().set("cart", List.of("book"))).orElseThrow());
        return cookieOf(request(manager, cookie, c -> c.getOrCreate().login("alice")).orElseThrow());
    }

    private static LookupKey keyOf(SessionManager manager, String cookie) {
        return manager.resolve(RequestInfo.ofCookie(cookie)).session().map(s -> new LookupKey(s.handle()))
                .orElseThrow();
    }

    @Test
    void signedInSessionGetsANewIdOnTheFirstRequestOnceTheIntervalPassedKeepingItsData() {
        SessionManager manager = manager(renewing());
        String first = signIn(manager);
        LookupKey firstKey = keyOf(manager, first);

        clock.advance(INTERVAL.minusSeconds(1));
        assertThat(request(manager, first, c -> c.session().orElseThrow())).as("before the interval").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        store.writes.clear();
        String renewed = request(manager, first, c -> c.session().orElseThrow()).orElseThrow();

        String second = cookieOf(renewed);
        assertThat(second).isNotEqualTo(first);
        assertThat(store.writes).containsExactly("renewKey");
        Session session = manager.resolve(RequestInfo.ofCookie(second)).session().orElseThrow();
        assertThat(session.principal()).contains("alice");
        assertThat(session.get("cart", List.class)).contains(List.of("book"));
        assertThat(session.handle()).isNotEqualTo(firstKey.value());
        assertThat(events).contains("idChanged " + firstKey.value() + " -> " + session.handle());
        assertThat(request(manager, second, c -> c.session().orElseThrow())).as("the new id is fresh").isEmpty();
    }

    @Test
    void theOldIdServesTheSameSessionDuringTheGraceAndIsNeverSentACookieThenDies() {
        SessionManager manager = manager(renewing());
        String first = signIn(manager);
        clock.advance(INTERVAL);
        String second = cookieOf(request(manager, first, c -> c.session().orElseThrow()).orElseThrow());

        clock.advance(GRACE.minusSeconds(1));
        Optional<String> inFlight = request(manager, first, c -> c.session().orElseThrow().increment("calls", 1));

        assertThat(inFlight).as("a cookie could only carry the old id").isEmpty();
        Session current = manager.resolve(RequestInfo.ofCookie(second)).session().orElseThrow();
        assertThat(current.get("calls", Long.class)).as("the old id's write went to the same session").contains(1L);
        assertThat(principal(manager, first)).contains("alice");
        assertThat(manager.resolve(RequestInfo.ofCookie(first)).session().orElseThrow().handle())
                .isEqualTo(current.handle());

        clock.advance(Duration.ofSeconds(1));
        assertThat(principal(manager, first)).as("after the grace").isEmpty();
        assertThat(principal(manager, second)).contains("alice");
    }

    @Test
    void anOldIdRequestIsSentNoCookieEvenWhenRollingWouldResendIt() {
        SessionManager manager = manager(renewing().touchInterval(Duration.ZERO).rolling(true));
        String first = signIn(manager);
        clock.advance(INTERVAL);
        String second = cookieOf(request(manager, first, c -> c.session().orElseThrow()).orElseThrow());
        clock.advance(Duration.ofSeconds(1));

        assertThat(request(manager, first, c -> c.session().orElseThrow())).as("touch, old id").isEmpty();
        assertThat(request(manager, first, c -> c.session().orElseThrow().set("x", 1))).as("write, old id")
                .isEmpty();
        assertThat(request(manager, second, c -> c.session().orElseThrow())).as("touch, new id")
                .hasValueSatisfying(setCookie -> assertThat(cookieOf(setCookie)).isEqualTo(second));
    }

    @Test
    void logoutWithTheOldIdDuringTheGraceEndsTheSessionUnderBothIds() {
        SessionManager manager = manager(renewing());
        String first = signIn(manager);
        clock.advance(INTERVAL);
        String second = cookieOf(request(manager, first, c -> c.session().orElseThrow()).orElseThrow());
        clock.advance(Duration.ofSeconds(1));

        Optional<String> logout = request(manager, first, c -> c.session().orElseThrow().invalidate());

        assertThat(logout).hasValueSatisfying(setCookie -> assertThat(setCookie).contains("Max-Age=0"));
        assertThat(principal(manager, first)).isEmpty();
        assertThat(principal(manager, second)).isEmpty();
        assertThat(events).anyMatch(e -> e.startsWith("destroyed "));
    }

    @Test
    void logoutWithTheNewIdDuringTheGraceEndsTheOldIdToo() {
        SessionManager manager = manager(renewing());
        String first = signIn(manager);
        clock.advance(INTERVAL);
        String second = cookieOf(request(manager, first, c -> c.session().orElseThrow()).orElseThrow());
        clock.advance(Duration.ofSeconds(1));

        request(manager, second, c -> c.session().orElseThrow().invalidate());

        assertThat(principal(manager, first)).isEmpty();
        assertThat(principal(manager, second)).isEmpty();
    }

    @Test
    void aRequestThatLosesTheRenewalToAParallelOneKeepsItsWriteAndGetsNoCookie() {
        SessionManager manager = manager(renewing());
        String first = signIn(manager);
        clock.advance(INTERVAL);
        SessionContext a = manager.resolve(RequestInfo.ofCookie(first));
        SessionContext b = manager.resolve(RequestInfo.ofCookie(first));
        a.session().orElseThrow().increment("calls", 1);
        b.session().orElseThrow().increment("calls", 1);

        Optional<String> winner = manager.commit(a).setCookie();
        Optional<String> loser = manager.commit(b).setCookie();

        assertThat(winner).isPresent();
        assertThat(loser).isEmpty();
        Session current = manager.resolve(RequestInfo.ofCookie(cookieOf(winner.get()))).session().orElseThrow();
        assertThat(current.get("calls", Long.class)).contains(2L);
        assertThat(events).filteredOn(e -> e.startsWith("idChanged")).hasSize(2); // the login and one renewal
    }

    @Test
    void anonymousSessionsAreNotRenewed() {
        SessionManager manager = manager(renewing());
        String cookie = cookieOf(request(manager, null, c -> c.getOrCreate().set("n", 1)).orElseThrow());
        for (int i = 2; i < 6; i++) {
            clock.advance(Duration.ofMinutes(10));
            int n = i;
            assertThat(request(manager, cookie, c -> c.session().orElseThrow().set("n", n))).isEmpty();
        }
        assertThat(store.writes).doesNotContain("renewKey");
    }

    @Test
    void withoutARenewalIntervalTheIdNeverChanges() {
        SessionManager manager = manager(SessionSettings.builder().secrets(SECRET).ttl(Duration.ofMinutes(30))
                .absoluteTtl(Duration.ofHours(8)).touchInterval(Duration.ofMinutes(1)));
        String cookie = signIn(manager);
        for (int i = 0; i < 10; i++) {
            clock.advance(INTERVAL);
            assertThat(request(manager, cookie, c -> c.session().orElseThrow())).isEmpty();
        }
        assertThat(store.writes).doesNotContain("renewKey");
    }

    @Test
    void aLoginRestartsTheRenewalClockAndKillsTheIdBeforeItAtOnce() {
        SessionManager manager = manager(renewing());
        String first = signIn(manager);
        clock.advance(Duration.ofMinutes(10));
        String relogged = cookieOf(request(manager, first, c -> c.session().orElseThrow().login("alice"))
                .orElseThrow());
        assertThat(principal(manager, first)).as("changeKey has no grace").isEmpty();

        clock.advance(Duration.ofMinutes(10));
        assertThat(request(manager, relogged, c -> c.session().orElseThrow())).as("20m after creation, 10m"
                + " after the login").isEmpty();
        clock.advance(Duration.ofMinutes(5));
        assertThat(request(manager, relogged, c -> c.session().orElseThrow())).as("15m after the login")
                .isPresent();
    }

    @Test
    void aStolenIdStopsWorkingWithinIntervalPlusGraceWhileTheVictimKeepsUsingTheSite() {
        SessionManager manager = manager(renewing());
        String victim = signIn(manager);
        String stolen = victim;
        Duration elapsed = Duration.ZERO;
        Duration step = Duration.ofMinutes(1);
        while (principal(manager, stolen).isPresent()) {
            clock.advance(step);
            elapsed = elapsed.plus(step);
            Optional<String> setCookie = request(manager, victim, c -> c.session().orElseThrow());
            if (setCookie.isPresent()) {
                victim = cookieOf(setCookie.get());
            }
            clock.advance(GRACE);
            elapsed = elapsed.plus(GRACE);
            assertThat(elapsed).as("the stolen id still works").isLessThanOrEqualTo(INTERVAL.plus(GRACE).plus(step));
        }
        assertThat(principal(manager, victim)).contains("alice");
    }
}
