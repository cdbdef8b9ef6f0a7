package dev.sessionkit.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import dev.sessionkit.testkit.FailingStore;
import dev.sessionkit.testkit.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@link SessionkitWebSessionManager} does, on a real Reactor Netty server with a real HTTP
 * client, with BlockHound installed (by {@code blockhound-junit-platform}): any blocking call on an
 * event loop fails the request, and {@link #nothingFailedUnseen()} fails the test. Each subclass
 * runs it on one store.
 */
@Timeout(120)
abstract class WebSessionContract {

    protected final MutableClock clock = MutableClock.create();
    protected FailingStore store;
    private SessionManager manager;
    private TestApp app;

    /** Opens the store under test. */
    protected abstract SessionStore openStore(MutableClock clock) throws Exception;

    /** Makes the store unreachable for real (or as close as the subclass can). */
    protected abstract void storeDown();

    protected abstract void storeUp();

    @BeforeEach
    void start() throws Exception {
        SessionSettings settings = SessionSettings.builder().secrets("webflux-contract-secret-0123456789-abcdefgh")
                .cookieName("sid").ttl(Duration.ofHours(1)).touchInterval(Duration.ofMinutes(5)).build();
        store = FailingStore.wrapping(openStore(clock));
        manager = SessionManager.builder().settings(settings).store(store, true).clock(clock).sweeper(false).build();
        app = new TestApp(SessionkitWebSessionManager.of(manager), this::storeDown);
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        if (manager != null) {
            manager.close();
        }
    }

    @AfterEach
    void nothingFailedUnseen() {
        assertThat(app.unhandled).as("errors no handler answered (BlockHound's among them)").isEmpty();
    }

    private Browser browser() {
        return new Browser(app.base());
    }

    @Test
    void anExchangeThatNeverAsksForTheSessionTouchesNothing() {
        Browser.Response response = browser().get("/none");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.setCookies()).isEmpty();
        assertThat(store.writes()).isZero();
    }

    @Test
    void readingAnAttributeWithoutASessionCreatesNone() {
        Browser browser = browser();
        Browser.Response response = browser.get("/get?name=theme");

        assertThat(response.body()).isEqualTo("(none)");
        assertThat(response.setCookies()).isEmpty();
        assertThat(browser.get("/info").body()).startsWith("false 0 3600");
        assertThat(store.writes()).isZero();
    }

    @Test
    void aPutCreatesTheSessionWithItsCookieAndNoStore() {
        Browser browser = browser();
        Browser.Response put = browser.post("/put?name=theme&value=dark");

        assertThat(put.status()).isEqualTo(200);
        assertThat(put.setCookies()).singleElement().satisfies(c -> assertThat(c).startsWith("sid=").contains("HttpOnly"));
        assertThat(put.cacheControl()).hasValue("no-store");
        assertThat(browser.get("/get?name=theme").body()).isEqualTo("String:dark");
        assertThat(browser.get("/info").body()).isEqualTo("true 1 3600 true");
    }

    @Test
    void attributesKeepTheirTypes() {
        Browser browser = browser();
        browser.post("/put-number?value=42");

        assertThat(browser.get("/get?name=number").body()).isEqualTo("Long:42");
    }

    @Test
    void startStoresAnEmptySessionAndSendsItsCookie() {
        Browser browser = browser();
        Browser.Response started = browser.post("/start");

        assertThat(started.body()).isEqualTo("true");
        assertThat(started.setCookies()).hasSize(1);
        assertThat(browser.get("/info").body()).startsWith("true 0");
    }

    @Test
    void aReadOnlyRequestInsideTheTouchIntervalWritesNothingAndSendsNoCookie() {
        Browser browser = browser();
        browser.post("/put?name=theme&value=dark");
        int writes = store.writes();

        clock.advance(Duration.ofMinutes(1));
        Browser.Response read = browser.get("/get?name=theme");

        assertThat(read.body()).isEqualTo("String:dark");
        assertThat(read.setCookies()).isEmpty();
        assertThat(store.writes()).isEqualTo(writes);

        clock.advance(Duration.ofMinutes(5)); // past the touch interval: one touch
        browser.get("/get?name=theme");
        assertThat(store.writes()).isEqualTo(writes + 1);
    }

    @Test
    void changeSessionIdRotatesTheCookieKeepsTheDataAndKillsTheOldId() {
        Browser browser = browser();
        browser.post("/put?name=theme&value=dark");
        Browser before = browser.replay();

        Browser.Response rotated = browser.post("/rotate");

        assertThat(rotated.setCookies()).hasSize(1);
        assertThat(rotated.cacheControl()).hasValue("no-store");
        assertThat(browser.cookie()).isNotEqualTo(before.cookie());
        assertThat(browser.get("/get?name=theme").body()).isEqualTo("String:dark");
        assertThat(before.get("/get?name=theme").body()).isEqualTo("(none)");
    }

    @Test
    void invalidateEndsTheSessionClearsTheCookieAndALateWriteDoesNotRevive() {
        Browser browser = browser();
        browser.post("/put?name=theme&value=dark");
        Browser stolen = browser.replay();

        Browser.Response logout = browser.post("/logout");

        assertThat(logout.setCookies()).singleElement().satisfies(c -> assertThat(c).contains("Max-Age=0"));
        assertThat(logout.cacheControl()).hasValue("no-store");
        assertThat(stolen.get("/get?name=theme").body()).isEqualTo("(none)");
        // a request still holding the old cookie writes: a new session, never the old one back
        Browser.Response late = stolen.post("/put?name=theme&value=light");
        assertThat(late.setCookies()).hasSize(1);
        assertThat(stolen.cookie()).isNotEqualTo(browser.replay().cookie());
        assertThat(new Browser(app.base()).get("/get?name=theme").body()).isEqualTo("(none)");
    }

    @Test
    void attributesPutAfterInvalidateGoToANewSession() {
        Browser browser = browser();
        browser.post("/put?name=theme&value=dark");
        Browser old = browser.replay();

        Browser.Response response = browser.post("/logout-then-put");

        assertThat(response.setCookies()).hasSize(1).allSatisfy(c -> assertThat(c).doesNotContain("Max-Age=0"));
        assertThat(browser.cookie()).isNotEqualTo(old.cookie());
        assertThat(browser.get("/get?name=after").body()).isEqualTo("String:logout");
        assertThat(browser.get("/get?name=theme").body()).isEqualTo("(none)");
        assertThat(old.get("/get?name=theme").body()).isEqualTo("(none)");
    }

    @Test
    void maxIdleTimeIsTheSessionsOwn() {
        Browser browser = browser();
        assertThat(browser.post("/idle?seconds=120").body()).isEqualTo("120");

        clock.advance(Duration.ofSeconds(121));

        assertThat(browser.get("/get?name=idle").body()).isEqualTo("(none)");
    }

    @Test
    void saveCommitsAtOnceAndTheResponseCommitWritesTheRest() {
        Browser browser = browser();
        Browser.Response response = browser.post("/save-then-put");

        assertThat(response.setCookies()).hasSize(1);
        assertThat(browser.get("/get?name=first").body()).isEqualTo("String:1");
        assertThat(browser.get("/get?name=second").body()).isEqualTo("String:2");
    }

    @Test
    void aTamperedCookieIsAnonymous() {
        Browser browser = browser();
        browser.post("/put?name=theme&value=dark");
        String cookie = browser.cookie();
        Browser.Response response = sendWithCookie(cookie.substring(0, cookie.length() - 2) + "xx");

        assertThat(response.body()).isEqualTo("(none)");
    }

    private Browser.Response sendWithCookie(String cookie) {
        try {
            java.net.http.HttpResponse<String> response = Browser.HTTP.send(java.net.http.HttpRequest
                    .newBuilder(app.base().resolve("/get?name=theme")).header("Cookie", cookie).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return new Browser.Response(response.statusCode(), response.body(), response.headers().allValues("Set-Cookie"),
                    response.headers().firstValue("Cache-Control"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void eightClientsIncrementingOneSessionLoseNothing() throws Exception {
        Browser browser = browser();
        assertThat(browser.get("/count").body()).isEqualTo("1");
        int clients = 8;
        int each = 250;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                Browser client = browser.replay();
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        assertThat(client.get("/count").status()).isEqualTo(200);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(browser.get("/count").body()).isEqualTo(String.valueOf(1 + clients * each + 1));
    }

    @Test
    void aStoreOutageAnswers503WithoutDetailAndTheSessionSurvivesIt() {
        Browser browser = browser();
        browser.post("/put?name=theme&value=dark");

        storeDown();
        try {
            for (Browser.Response response : List.of(browser.get("/get?name=theme"), browser.post("/put?name=a&value=b"),
                    browser.get("/count"), new Browser(app.base()).post("/put?name=a&value=b"))) {
                assertThat(response.status()).isEqualTo(503);
                assertThat(response.body()).isEqualTo("{\"error\":\"session_store_unavailable\"}");
                assertThat(response.setCookies()).isEmpty();
            }
            assertThat(browser.get("/none").status()).isEqualTo(200);
        } finally {
            storeUp();
        }
        awaitStore(browser);
        assertThat(browser.get("/get?name=theme").body()).isEqualTo("String:dark");
        assertThat(browser.get("/get?name=a").body()).isEqualTo("(none)");
    }

    @Test
    void aLoginRefusedByThePerUserLimitAnswers403WithTheClearingCookieWhateverTheHandlerAnswered() {
        Browser first = browser();
        Browser.Response signedIn = first.post("/login?user=frank");
        assertThat(signedIn.status()).isEqualTo(302);
        assertThat(first.get("/whoami").body()).isEqualTo("frank");

        for (String path : List.of("/login?user=frank", "/login?user=frank&json=1")) {
            Browser second = browser();
            second.post("/put?name=cart&value=1");
            String anonymous = second.cookie();
            Browser.Response refused = second.post(path);
            assertThat(refused.status()).as(path).isEqualTo(403);
            assertThat(refused.body()).isEqualTo("{\"error\":\"session_limit_reached\"}");
            assertThat(refused.cacheControl()).hasValue("no-store");
            assertThat(refused.setCookies()).singleElement().satisfies(c -> assertThat(c).startsWith("sid=").contains("Max-Age=0"));
            assertThat(second.cookie()).as("the clearing cookie removed it").isNull();
            assertThat(anonymous).as("the visitor had a session before the login").isNotNull();
        }
        assertThat(first.get("/whoami").body()).as("the existing session stays").isEqualTo("frank");
        assertThat(manager.sessionsOf("frank")).hasSize(1);
    }

    @Test
    void aStoreThatFailsAtTheCommitAnswers503AndNothingIsSentAsSaved() {
        for (String path : List.of("/put-then-outage", "/put-then-outage?redirect=1")) {
            Browser browser = browser();
            browser.post("/put?name=theme&value=dark");
            String cookie = browser.cookie();
            try {
                Browser.Response failed = browser.post(path);
                assertThat(failed.status()).as(path).isEqualTo(503);
                assertThat(failed.body()).isEqualTo("{\"error\":\"session_store_unavailable\"}");
                assertThat(failed.setCookies()).isEmpty();
            } finally {
                storeUp();
            }
            awaitStore(browser);
            assertThat(browser.cookie()).isEqualTo(cookie);
            assertThat(browser.get("/get?name=late").body()).isEqualTo("(none)");
            assertThat(browser.get("/get?name=theme").body()).isEqualTo("String:dark");
        }
    }

    /** A pool reconnects on its own after the backend returns; wait for it, up to a minute. */
    private static void awaitStore(Browser browser) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (browser.get("/get?name=theme").status() == 503) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the store did not come back within a minute");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void blockHoundIsWatchingTheEventLoops() {
        Browser.Response response = browser().get("/sleep");

        assertThat(response.status()).isEqualTo(500);
        assertThat(app.unhandled).singleElement()
                .satisfies(e -> assertThat(e.getClass().getName()).isEqualTo("reactor.blockhound.BlockingOperationError"));
        app.unhandled.clear();
    }
}
