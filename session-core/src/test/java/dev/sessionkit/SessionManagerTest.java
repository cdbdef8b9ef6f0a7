package dev.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

final class SessionManagerTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-test";

    private final TestClock clock = new TestClock();
    private final RecordingStore store = new RecordingStore();

    private SessionManager manager(SessionSettings.Builder settings) {
        return SessionManager.builder().settings(settings.build()).store(store).clock(clock).sweeper(false).build();
    }

    private static SessionSettings.Builder settings() {
        return SessionSettings.builder().secrets(SECRET).ttl(Duration.ofMinutes(30)).absoluteTtl(Duration.ofHours(8))
                .touchInterval(Duration.ofMinutes(1));
    }

    /** Runs one request with {@code cookie} (or none) and returns the Set-Cookie header, if any. */
    private static Optional<String> request(SessionManager manager, String cookie, java.util.function.Consumer<SessionContext> work) {
        SessionContext context = manager.resolve(RequestInfo.ofCookie(cookie));
        work.accept(context);
        return manager.commit(context).setCookie();
    }

    private static String cookieOf(String setCookie) {
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /** A stored session and the cookie that names it. */
    private String establish(SessionManager manager) {
        String setCookie = request(manager, null, c -> c.getOrCreate().set("n", 1)).orElseThrow();
        store.writes.clear();
        return cookieOf(setCookie);
    }

    enum Shape { NONE, NEW_EMPTY, NEW_MODIFIED, UNCHANGED_FRESH, UNCHANGED_STALE, MODIFIED_FRESH, MODIFIED_STALE,
        INVALIDATED, REGENERATED }

    enum CookieOut { NONE, SET, CLEAR }

    static Stream<Arguments> decisions() {
        List<Arguments> rows = new ArrayList<>();
        for (boolean rolling : new boolean[] {false, true}) {
            for (boolean saveUninitialized : new boolean[] {false, true}) {
                rows.add(Arguments.of(Shape.NONE, rolling, saveUninitialized, List.of(), CookieOut.NONE));
                rows.add(Arguments.of(Shape.NEW_EMPTY, rolling, saveUninitialized,
                        saveUninitialized ? List.of("create") : List.of(),
                        saveUninitialized ? CookieOut.SET : CookieOut.NONE));
                rows.add(Arguments.of(Shape.NEW_MODIFIED, rolling, saveUninitialized, List.of("create"), CookieOut.SET));
                rows.add(Arguments.of(Shape.UNCHANGED_FRESH, rolling, saveUninitialized, List.of(), CookieOut.NONE));
                rows.add(Arguments.of(Shape.UNCHANGED_STALE, rolling, saveUninitialized, List.of("touch"),
                        rolling ? CookieOut.SET : CookieOut.NONE));
                rows.add(Arguments.of(Shape.MODIFIED_FRESH, rolling, saveUninitialized, List.of("apply"), CookieOut.NONE));
                rows.add(Arguments.of(Shape.MODIFIED_STALE, rolling, saveUninitialized, List.of("apply+touch"),
                        rolling ? CookieOut.SET : CookieOut.NONE));
                rows.add(Arguments.of(Shape.INVALIDATED, rolling, saveUninitialized, List.of("end"), CookieOut.CLEAR));
                rows.add(Arguments.of(Shape.REGENERATED, rolling, saveUninitialized, List.of("changeKey"), CookieOut.SET));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} rolling={1} saveUninitialized={2} -> {3} {4}")
    @MethodSource("decisions")
    void commitDecidesWritesAndCookie(Shape shape, boolean rolling, boolean saveUninitialized, List<String> writes,
            CookieOut cookieOut) {
        SessionManager manager = manager(settings().rolling(rolling).saveUninitialized(saveUninitialized));
        String cookie = switch (shape) {
            case NONE, NEW_EMPTY, NEW_MODIFIED -> null;
            default -> establish(manager);
        };
        if (shape == Shape.UNCHANGED_STALE || shape == Shape.MODIFIED_STALE) {
            clock.advance(Duration.ofMinutes(2));
        } else {
            clock.advance(Duration.ofSeconds(10));
        }
        Optional<String> setCookie = request(manager, cookie, context -> {
            switch (shape) {
                case NONE, UNCHANGED_FRESH, UNCHANGED_STALE -> context.session();
                case NEW_EMPTY -> context.getOrCreate();
                case NEW_MODIFIED -> context.getOrCreate().set("k", "v");
                case MODIFIED_FRESH, MODIFIED_STALE -> context.session().orElseThrow().set("k", "v");
                case INVALIDATED -> context.session().orElseThrow().invalidate();
                case REGENERATED -> context.session().orElseThrow().regenerateId();
                default -> throw new IllegalStateException();
            }
        });

        assertThat(store.writes).isEqualTo(writes);
        switch (cookieOut) {
            case NONE -> assertThat(setCookie).isEmpty();
            case SET -> assertThat(setCookie).hasValueSatisfying(c -> assertThat(c).doesNotContain("Max-Age=0"));
            case CLEAR -> assertThat(setCookie).hasValueSatisfying(c -> assertThat(c).startsWith("sid=;").contains("Max-Age=0"));
        }
    }

    @Test
    void attributesSurviveAcrossRequests() {
        SessionManager manager = manager(settings());
        String cookie = cookieOf(request(manager, null, c -> c.getOrCreate().set("cart", List.of("apple", "pear"))).orElseThrow());

        List<String> cart = manager.resolve(RequestInfo.ofCookie(cookie)).session().orElseThrow()
                .get("cart", new com.fasterxml.jackson.core.type.TypeReference<List<String>>() { }).orElseThrow();

        assertThat(cart).containsExactly("apple", "pear");
    }

    @Test
    void regenerateIdKillsTheOldCookieAndKeepsTheData() {
        SessionManager manager = manager(settings());
        String oldCookie = establish(manager);

        String newCookie = cookieOf(request(manager, oldCookie, c -> c.session().orElseThrow().login("alice")).orElseThrow());

        assertThat(newCookie).isNotEqualTo(oldCookie);
        assertThat(manager.resolve(RequestInfo.ofCookie(oldCookie)).session()).isEmpty();
        Session session = manager.resolve(RequestInfo.ofCookie(newCookie)).session().orElseThrow();
        assertThat(session.principal()).contains("alice");
        assertThat(session.get("n", Integer.class)).contains(1);
    }

    @Test
    void loginRestartsTheAbsoluteLifetime() {
        SessionManager manager = manager(settings().ttl(Duration.ofHours(1)).absoluteTtl(Duration.ofHours(2)));
        String cookie = establish(manager);
        clock.advance(Duration.ofMinutes(50));
        cookie = cookieOf(request(manager, cookie, c -> c.session().orElseThrow().login("alice")).orElseThrow());
        clock.advance(Duration.ofMinutes(50));
        request(manager, cookie, c -> c.session().orElseThrow().set("x", 1));
        clock.advance(Duration.ofMinutes(50));

        // 150 minutes after creation, beyond the original 2-hour limit, but 100 minutes after login
        assertThat(manager.resolve(RequestInfo.ofCookie(cookie)).session()).isPresent();
    }

    @Test
    void loginAgainAsTheSameUserAlsoRestartsTheAbsoluteLifetime() {
        SessionManager manager = manager(settings().ttl(Duration.ofHours(1)).absoluteTtl(Duration.ofHours(2)));
        String cookie = cookieOf(request(manager, null, c -> c.getOrCreate().login("alice")).orElseThrow());
        clock.advance(Duration.ofMinutes(50));
        cookie = cookieOf(request(manager, cookie, c -> c.session().orElseThrow().login("alice")).orElseThrow());
        clock.advance(Duration.ofMinutes(50));
        request(manager, cookie, c -> c.session().orElseThrow().set("x", 1));
        clock.advance(Duration.ofMinutes(50));

        assertThat(manager.resolve(RequestInfo.ofCookie(cookie)).session()).isPresent();
    }

    @Test
    void idleExpiryEndsAnUntouchedSession() {
        SessionManager manager = manager(settings());
        String cookie = establish(manager);
        clock.advance(Duration.ofMinutes(31));

        SessionContext context = manager.resolve(RequestInfo.ofCookie(cookie));

        assertThat(context.session()).isEmpty();
        assertThat(context.cookiePresent()).isTrue();
        assertThat(context.requestedSessionValid()).isFalse();
    }

    @Test
    void touchesKeepASessionAliveUntilTheAbsoluteLimit() {
        SessionManager manager = manager(settings());
        String cookie = establish(manager);
        for (int i = 0; i < 15; i++) { // 15 × 25 min = 6 h 15 min, each request within the idle timeout
            clock.advance(Duration.ofMinutes(25));
            assertThat(request(manager, cookie, SessionContext::session)).isEmpty();
            assertThat(manager.resolve(RequestInfo.ofCookie(cookie)).session()).as("after %d requests", i + 1).isPresent();
        }
        clock.advance(Duration.ofMinutes(25 * 5)); // past the 8 h absolute limit, though touched within 30 min before
        assertThat(manager.resolve(RequestInfo.ofCookie(cookie)).session()).isEmpty();
    }

    @Test
    void resaveTouchesOnEveryRequest() {
        SessionManager manager = manager(settings().resave(true));
        String cookie = establish(manager);

        request(manager, cookie, SessionContext::session);
        request(manager, cookie, SessionContext::session);

        assertThat(store.writes).containsExactly("touch", "touch");
    }

    @Test
    void tamperedCookieIsAnonymousAndWritesNothing() {
        SessionManager manager = manager(settings());
        String cookie = establish(manager);
        String tampered = cookie.substring(0, cookie.length() - 2) + (cookie.endsWith("A") ? "BB" : "AA");

        SessionContext context = manager.resolve(RequestInfo.ofCookie(tampered));

        assertThat(context.session()).isEmpty();
        assertThat(context.cookiePresent()).isTrue();
        assertThat(manager.commit(context).setCookie()).isEmpty();
        assertThat(store.writes).isEmpty();
    }

    @Test
    void cookieSignedWithAnOlderSecretIsReSigned() {
        String oldSecret = "old-secret-old-secret-old-secret-0000";
        SessionManager before = manager(settings());
        String cookie = establish(before);
        SessionManager after = SessionManager.builder()
                .settings(settings().secrets(List.of(oldSecret, SECRET)).build()).store(store).clock(clock).sweeper(false)
                .build();

        SessionContext context = after.resolve(RequestInfo.ofCookie(cookie));
        Optional<String> setCookie = after.commit(context).setCookie();

        assertThat(setCookie).hasValueSatisfying(c -> assertThat(cookieOf(c)).isNotEqualTo(cookie)
                .startsWith(cookie.substring(0, cookie.indexOf('.'))));
        assertThat(after.commit(context).setCookie()).as("re-signed once, not on every commit").isEmpty();
    }

    @Test
    void contextInvalidateClearsADeadCookieToo() {
        SessionManager manager = manager(settings());
        String cookie = establish(manager);
        clock.advance(Duration.ofHours(1));

        Optional<String> setCookie = request(manager, cookie, SessionContext::invalidate);

        assertThat(setCookie).hasValueSatisfying(c -> assertThat(c).contains("Max-Age=0"));
    }

    @Test
    void invalidateThenCreateEndsTheOldAndStoresTheNew() {
        SessionManager manager = manager(settings());
        String cookie = establish(manager);

        Optional<String> setCookie = request(manager, cookie, c -> {
            c.session().orElseThrow().invalidate();
            c.getOrCreate().set("fresh", true);
        });

        assertThat(store.writes).containsExactly("end", "create");
        assertThat(manager.resolve(RequestInfo.ofCookie(cookie)).session()).isEmpty();
        assertThat(manager.resolve(RequestInfo.ofCookie(cookieOf(setCookie.orElseThrow()))).session()).isPresent();
    }

    @Test
    void aSecondCommitWritesOnlyWhatChangedSince() {
        SessionManager manager = manager(settings());
        SessionContext context = manager.resolve(RequestInfo.ofCookie(null));
        context.getOrCreate().set("a", 1);
        assertThat(manager.commit(context).setCookie()).isPresent();
        context.getOrCreate().set("b", 2);
        assertThat(manager.commit(context).setCookie()).isEmpty();
        assertThat(manager.commit(context).setCookie()).isEmpty();

        assertThat(store.writes).containsExactly("create", "apply");
    }

    @Test
    void lateWriteAfterLogoutDoesNotReviveTheSessionNorClearsACookie() {
        SessionManager manager = manager(settings());
        String cookie = establish(manager);
        SessionContext slow = manager.resolve(RequestInfo.ofCookie(cookie));
        request(manager, cookie, c -> c.session().orElseThrow().invalidate());

        slow.session().orElseThrow().set("late", true);
        Optional<String> setCookie = manager.commit(slow).setCookie();

        // no clearing cookie: it could overwrite a fresh login's cookie from another tab
        assertThat(setCookie).isEmpty();
        assertThat(manager.resolve(RequestInfo.ofCookie(cookie)).session()).isEmpty();
    }

    @Test
    void productionCookiesAreSecureEvenOverPlainHttpUnlessTlsIsOffloaded() {
        SessionSettings.Builder production = settings().environment(AppEnvironment.PRODUCTION).store("memory");
        Optional<String> secure = request(manager(production), null, c -> c.getOrCreate().set("a", 1));
        Optional<String> configured = request(manager(settings().cookieSecure(true)), null,
                c -> c.getOrCreate().set("a", 1));
        Optional<String> off = request(manager(settings().environment(AppEnvironment.PRODUCTION)
                .store("memory").cookieName("sid").cookieSecure(false).trustProxy(true).tlsOffloaded(true)), null,
                c -> c.getOrCreate().set("a", 1));
        Optional<String> development = request(manager(settings()), null, c -> c.getOrCreate().set("a", 1));

        assertThat(secure.orElseThrow()).contains("; Secure");
        assertThat(configured.orElseThrow()).contains("; Secure");
        assertThat(off.orElseThrow()).doesNotContain("Secure");
        assertThat(development.orElseThrow()).doesNotContain("Secure");
    }

    @Test
    void shorterIdleTimeoutPullsTheExpiryIn() {
        SessionManager manager = manager(settings());
        String cookie = establish(manager);
        request(manager, cookie, c -> c.session().orElseThrow().setIdleTimeout(Duration.ofMinutes(5)));
        clock.advance(Duration.ofMinutes(6));

        assertThat(manager.resolve(RequestInfo.ofCookie(cookie)).session()).isEmpty();
    }

    @Test
    void requestInfoNeverPrintsTheCookie() {
        RequestInfo info = RequestInfo.ofCookie("sid=secret-value.signature");

        assertThat(info.toString()).doesNotContain("secret-value");
    }

    @Test
    void persistentCookieLivesUntilTheAbsoluteExpiryUnlessRolling() {
        Optional<String> plain = request(manager(settings()), null, c -> c.getOrCreate().set("a", 1));
        Optional<String> rolling = request(manager(settings().rolling(true)), null, c -> c.getOrCreate().set("a", 1));
        Optional<String> browser = request(manager(settings().cookiePersistent(false)), null,
                c -> c.getOrCreate().set("a", 1));

        assertThat(plain.orElseThrow()).contains("Max-Age=28800");
        assertThat(rolling.orElseThrow()).contains("Max-Age=1800");
        assertThat(browser.orElseThrow()).doesNotContain("Max-Age");
    }

    @Test
    void storeOutageSurfacesAsStoreUnavailable() {
        SessionManager manager = manager(settings());
        String cookie = establish(manager);
        store.down = true;

        assertThatThrownBy(() -> manager.resolve(RequestInfo.ofCookie(cookie)))
                .isInstanceOf(StoreUnavailableException.class);
        store.down = false;
        assertThat(manager.resolve(RequestInfo.ofCookie(cookie)).session()).isPresent();
    }

    @Test
    void failingListenerNeverBreaksTheRequest() {
        List<String> seen = new ArrayList<>();
        SessionManager manager = SessionManager.builder().settings(settings().build()).store(store).clock(clock)
                .sweeper(false)
                .listener(new SessionListener() {
                    @Override
                    public void sessionCreated(SessionData session) {
                        throw new IllegalStateException("listener bug");
                    }
                })
                .listener(new SessionListener() {
                    @Override
                    public void sessionCreated(SessionData session) {
                        seen.add("created");
                    }
                })
                .build();

        assertThat(request(manager, null, c -> c.getOrCreate().set("a", 1))).isPresent();
        assertThat(seen).containsExactly("created");
    }

    @Test
    void listenersHearTheWholeLifeCycle() {
        List<String> events = new ArrayList<>();
        SessionManager manager = SessionManager.builder().settings(settings().build()).store(store).clock(clock)
                .sweeper(false)
                .listener(new SessionListener() {
                    @Override
                    public void sessionCreated(SessionData session) {
                        events.add("created");
                    }

                    @Override
                    public void sessionIdChanged(LookupKey oldKey, SessionData session) {
                        events.add("idChanged");
                    }

                    @Override
                    public void principalChanged(SessionData session, String oldPrincipal) {
                        events.add("principal:" + oldPrincipal + "->" + session.principal());
                    }

                    @Override
                    public void sessionDestroyed(LookupKey key, SessionStatus reason) {
                        events.add("destroyed:" + reason);
                    }

                    @Override
                    public void sessionExpired(LookupKey key) {
                        events.add("expired");
                    }
                })
                .build();
        String cookie = establish(manager);
        cookie = cookieOf(request(manager, cookie, c -> c.session().orElseThrow().login("bob")).orElseThrow());
        request(manager, cookie, c -> c.session().orElseThrow().invalidate());
        establish(manager);
        clock.advance(Duration.ofHours(9));
        assertThat(manager.sweepNow()).isEqualTo(1);

        assertThat(events).containsExactly("created", "idChanged", "principal:null->bob", "destroyed:LOGGED_OUT",
                "created", "expired");
    }

    @Test
    void revokeAllEndsEverySessionOfThePrincipal() {
        SessionManager manager = manager(settings());
        String a = cookieOf(request(manager, null, c -> c.getOrCreate().login("carol")).orElseThrow());
        String b = cookieOf(request(manager, null, c -> c.getOrCreate().login("carol")).orElseThrow());
        String other = cookieOf(request(manager, null, c -> c.getOrCreate().login("dave")).orElseThrow());

        assertThat(manager.sessionsOf("carol")).hasSize(2);
        assertThat(manager.revokeAll("carol", SessionStatus.REVOKED)).isEqualTo(2);

        assertThat(manager.resolve(RequestInfo.ofCookie(a)).session()).isEmpty();
        assertThat(manager.resolve(RequestInfo.ofCookie(b)).session()).isEmpty();
        assertThat(manager.resolve(RequestInfo.ofCookie(other)).session()).isPresent();
    }

    @Test
    void revokeAllTellsListenersAboutEverySession() {
        List<LookupKey> destroyed = new ArrayList<>();
        SessionManager manager = SessionManager.builder().settings(settings().build()).store(store).clock(clock)
                .sweeper(false)
                .listener(new SessionListener() {
                    @Override
                    public void sessionDestroyed(LookupKey key, SessionStatus reason) {
                        assertThat(reason).isEqualTo(SessionStatus.REVOKED);
                        destroyed.add(key);
                    }
                })
                .build();
        request(manager, null, c -> c.getOrCreate().login("erin"));
        request(manager, null, c -> c.getOrCreate().login("erin"));
        request(manager, null, c -> c.getOrCreate().login("frank"));

        assertThat(manager.revokeAll("erin", SessionStatus.REVOKED)).isEqualTo(2);
        assertThat(destroyed).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void revokeByHandleRejectsMalformedHandlesQuietly() {
        SessionManager manager = manager(settings());
        SessionContext context = manager.resolve(RequestInfo.ofCookie(null));
        context.getOrCreate().set("a", 1);
        String handle = context.getOrCreate().handle();
        manager.commit(context);

        assertThat(manager.revoke("not-a-handle", SessionStatus.REVOKED)).isFalse();
        assertThat(manager.revoke(handle, SessionStatus.REVOKED)).isTrue();
        assertThat(manager.revoke(handle, SessionStatus.REVOKED)).isFalse();
    }

    @Test
    void trustedProxyDecidesSchemeAndClientAddress() {
        SessionManager trusting = manager(settings().trustProxy(true));
        SessionManager wary = manager(settings());
        RequestInfo viaProxy = new RequestInfo(List.of(), false, "10.0.0.1", "ua", "https", "198.51.100.9, 203.0.113.7");

        SessionContext trusted = trusting.resolve(viaProxy);
        SessionContext untrusted = wary.resolve(viaProxy);

        assertThat(trusted.secure()).isTrue();
        assertThat(trusted.clientIp()).contains("203.0.113.7");
        assertThat(untrusted.secure()).isFalse();
        assertThat(untrusted.clientIp()).contains("10.0.0.1");
        trusted.getOrCreate().set("a", 1);
        assertThat(trusting.commit(trusted).setCookie()).hasValueSatisfying(c -> assertThat(c).contains("; Secure"));
    }

    @Test
    void withTlsOffloadedSecureFollowsTheRightMostForwardedProtoHop() {
        SessionManager offloaded = manager(settings().environment(AppEnvironment.PRODUCTION).store("memory")
                .cookieSecure(false).trustProxy(true).tlsOffloaded(true));
        Map<String, Boolean> expected = new java.util.LinkedHashMap<>();
        expected.put("https", true);
        expected.put("http, https", true); // the client's claim on the left, the trusted proxy's on the right
        expected.put("https, http", false);
        expected.put("http", false);
        expected.put(null, false);
        expected.forEach((proto, secure) -> {
            SessionContext context = offloaded.resolve(new RequestInfo(List.of(), false, "10.0.0.1", "ua", proto, null));
            context.getOrCreate().set("a", 1);
            Optional<String> setCookie = offloaded.commit(context).setCookie();
            assertThat(setCookie.orElseThrow().contains("; Secure")).as("X-Forwarded-Proto: %s", proto).isEqualTo(secure);
            if (secure) {
                context = offloaded.resolve(new RequestInfo(List.of(cookieOf(setCookie.get())), false, "10.0.0.1", "ua",
                        proto, null));
                context.invalidate();
                assertThat(offloaded.commit(context).setCookie()).hasValueSatisfying(c -> assertThat(c)
                        .contains("; Secure", "; Max-Age=0", "; Expires=Thu, 01 Jan 1970 00:00:00 GMT"));
            }
        });
    }

    @Test
    void newSessionKeepsClientTextCleanedAsStoresKeepItAndCutsNeverHalfAPair() {
        SessionManager manager = manager(settings());
        String longAgent = "a".repeat(511) + "\uD83D\uDE00";
        RequestInfo odd = new RequestInfo(List.of(), false, "::1\u0000", "Mozilla\u0000\uD800", null, null);
        RequestInfo verbose = new RequestInfo(List.of(), false, "10.0.0.1", longAgent, null, null);

        SessionContext first = manager.resolve(odd);
        first.getOrCreate().set("a", 1);
        manager.commit(first);
        SessionContext second = manager.resolve(verbose);
        second.getOrCreate().set("a", 1);
        manager.commit(second);

        assertThat(store.sessions.values()).extracting(SessionData::userAgent)
                .containsExactlyInAnyOrder("Mozilla\uFFFD\uFFFD", "a".repeat(511));
        assertThat(store.sessions.values()).extracting(SessionData::ip).containsExactlyInAnyOrder("::1\uFFFD", "10.0.0.1");
    }

    @Test
    void incrementsOfConcurrentRequestsAddUp() {
        SessionManager manager = manager(settings());
        String cookie = establish(manager);
        SessionContext first = manager.resolve(RequestInfo.ofCookie(cookie));
        SessionContext second = manager.resolve(RequestInfo.ofCookie(cookie));

        assertThat(first.session().orElseThrow().increment("visits", 1)).isEqualTo(1);
        assertThat(second.session().orElseThrow().increment("visits", 1)).isEqualTo(1);
        manager.commit(first);
        manager.commit(second);

        assertThat(manager.resolve(RequestInfo.ofCookie(cookie)).session().orElseThrow().get("visits", Long.class))
                .contains(2L);
    }

    @Test
    void aListenerAddedAfterBuildHearsEventsUntilItsHandleCloses() throws Exception {
        SessionManager manager = manager(settings());
        List<String> heard = new ArrayList<>();
        AutoCloseable handle = manager.addListener(new SessionListener() {
            @Override
            public void sessionCreated(SessionData session) {
                heard.add("created");
            }
        });

        request(manager, null, c -> c.getOrCreate().set("a", 1));
        handle.close();
        request(manager, null, c -> c.getOrCreate().set("a", 2));

        assertThat(heard).containsExactly("created");
        manager.close();
        assertThatThrownBy(() -> manager.addListener(new SessionListener() { }))
                .isInstanceOf(IllegalStateException.class);
    }
}
