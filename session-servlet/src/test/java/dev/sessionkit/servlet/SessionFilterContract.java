package dev.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionJson;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.servlet.app.Exploding;
import dev.sessionkit.testkit.FailingStore;
import dev.sessionkit.testkit.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What {@link SessionFilter} promises, checked inside a real servlet container with a real HTTP
 * client. One concrete subclass per container and store; every subclass runs every test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SessionFilterContract {

    private static final String SECRET = "servlet-tests-secret-0123456789-abcdefghij";
    private static final String TOKEN_HEADER = "X-Session-Token";
    private static final String TOKEN = "[A-Za-z0-9_-]{43}\\.[A-Za-z0-9_-]{43}";

    private final ServletContainer container;
    private final StoreKit stores;
    private final RecordingListener listener = new RecordingListener();
    private SessionSettings settings;
    /** The settings most tests run with; header tests restart the application with the header on. */
    private SessionSettings defaults;
    private FailingStore store;
    private SessionManager manager;
    private URI base;
    private HttpClient client;
    private String cookieName;

    SessionFilterContract(ServletContainer container, StoreKit stores) {
        this.container = container;
        this.stores = stores;
    }

    @BeforeAll
    void start() throws Exception {
        // the test application's classes are allowed attribute types; dev.sessionkit.servlet's own are not
        settings = SessionSettings.builder().secrets(SECRET).trustProxy(true)
                .allowAttributeTypes("dev.sessionkit.servlet.app.").build();
        defaults = settings;
        cookieName = settings.cookieName();
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        startApplication();
    }

    /** A store, a manager over it and the container, as an application starts them. */
    private void startApplication() throws Exception {
        startApplication(settings, Clock.systemUTC());
    }

    private void startApplication(SessionSettings with, Clock clock) throws Exception {
        store = FailingStore.wrapping(stores.open(with, clock));
        manager = SessionManager.builder().settings(with).store(store).clock(clock).sweeper(false).build();
        SessionFilter filter = SessionFilter.builder(manager).listener(listener).build();
        base = container.start(new TestServlet(), context -> SessionFilter.register(context, filter));
    }

    private void stopApplication() throws Exception {
        // the store first, as an application does in contextDestroyed: its pool threads may have been
        // started on request threads, and Tomcat reports threads still running when the context stops
        try {
            manager.close();
            store.close();
        } finally {
            container.close();
        }
    }

    @AfterAll
    void stop() throws Exception {
        try {
            stopApplication();
        } finally {
            stores.close();
        }
    }

    @BeforeEach
    void reset() throws Exception {
        if (settings != defaults) {
            restartWith(defaults);
        }
        store.recover();
        listener.clear();
    }

    /** Stops the application and starts it again with other settings; the next test gets the defaults back. */
    private void restartWith(SessionSettings next) throws Exception {
        stopApplication();
        settings = next;
        startApplication();
    }

    private void headerOn() throws Exception {
        restartWith(defaults.newBuilder().sessionHeader(TOKEN_HEADER).build());
    }

    // ---- the session id in a header (SESSION_HEADER) ----

    @Test
    void headerTokenComesWithTheCookieOnCreationAndAloneResumesTheSession() throws Exception {
        headerOn();

        HttpResponse<String> created = get("/app/set?name=color&value=blue");

        String token = token(created);
        assertThat(token).matches(TOKEN).isEqualTo(cookie(created).substring(cookieName.length() + 1));
        assertThat(created.headers().firstValue("Cache-Control")).contains("no-store");

        HttpResponse<String> read = get("/app/get?name=color", TOKEN_HEADER, token);
        assertThat(body(read)).containsEntry("value", "blue").containsEntry("id", body(created).get("id"));
        assertThat(read.headers().firstValue(TOKEN_HEADER)).as("a read sends no token").isEmpty();
        assertThat(setCookie(read)).isEmpty();
        assertThat(read.headers().firstValue("Cache-Control")).isEmpty();
        assertThat(body(get("/app/peek", TOKEN_HEADER, token))).containsEntry("valid", "true")
                .containsEntry("fromCookie", "false");
        assertThat(body(get("/app/get?name=color", "Cookie", cookie(created)))).as("the cookie works beside it")
                .containsEntry("value", "blue");
    }

    @Test
    void headerTokenRotatesOnLoginAndIsEmptiedOnLogout() throws Exception {
        headerOn();
        String before = token(get("/app/set?name=cart&value=3"));

        HttpResponse<String> login = get("/app/login?user=ann", TOKEN_HEADER, before);

        assertThat(login.statusCode()).isEqualTo(302);
        String after = token(login);
        assertThat(after).matches(TOKEN).isNotEqualTo(before);
        assertThat(login.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(body(get("/app/get?name=user", TOKEN_HEADER, after))).containsEntry("value", "ann");
        assertThat(body(get("/app/get?name=cart", TOKEN_HEADER, after))).containsEntry("value", "3");
        assertThat(body(get("/app/get?name=user", TOKEN_HEADER, before))).as("the old token is dead")
                .containsEntry("id", "null");

        HttpResponse<String> logout = get("/app/logout", TOKEN_HEADER, after);

        assertThat(body(logout)).containsEntry("had", "true");
        assertThat(logout.headers().allValues(TOKEN_HEADER)).as("an empty token: forget it").containsExactly("");
        assertThat(logout.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(body(get("/app/get?name=user", TOKEN_HEADER, after))).containsEntry("id", "null");
    }

    @Test
    void tamperedOrRepeatedHeaderIsAnonymousAndTheHeaderWinsOverTheCookie() throws Exception {
        headerOn();
        HttpResponse<String> alice = get("/app/set?name=who&value=alice");
        String aliceToken = token(alice);
        String bobCookie = cookie(get("/app/set?name=who&value=bob"));
        String tampered = aliceToken.substring(0, aliceToken.length() - 2) + (aliceToken.endsWith("A") ? "BB" : "AA");

        assertThat(body(get("/app/get?name=who", TOKEN_HEADER, tampered))).containsEntry("id", "null");
        assertThat(body(get("/app/get?name=who", TOKEN_HEADER, tampered, "Cookie", bobCookie)))
                .as("a bad header is not made good by a valid cookie").containsEntry("id", "null");
        assertThat(body(get("/app/get?name=who", TOKEN_HEADER, aliceToken, "Cookie", bobCookie)))
                .as("the header decides").containsEntry("value", "alice");
        assertThat(body(get("/app/get?name=who", TOKEN_HEADER, aliceToken, TOKEN_HEADER, aliceToken)))
                .as("the header twice is ambiguous").containsEntry("id", "null");
        assertThat(body(get("/app/get?name=who", "Cookie", bobCookie))).containsEntry("value", "bob");
        HttpResponse<String> garbage = get("/app/set?name=who&value=carol", TOKEN_HEADER, "not-a-token");
        assertThat(body(garbage)).as("a bad token gets a new session").containsEntry("new", "true");
        assertThat(token(garbage)).matches(TOKEN).isNotEqualTo(aliceToken);
    }

    @Test
    void aCookieClientGetsNoHeaderTokenWhenTheHeaderIsOn() throws Exception {
        headerOn();
        String before = cookie(get("/app/set?name=cart&value=3"));

        HttpResponse<String> login = get("/app/login?user=ann", "Cookie", before);

        assertThat(cookie(login)).isNotEqualTo(before);
        assertThat(login.headers().firstValue(TOKEN_HEADER)).as("the browser's id stays in its HttpOnly cookie").isEmpty();
        assertThat(get("/app/logout", "Cookie", cookie(login)).headers().firstValue(TOKEN_HEADER)).isEmpty();
    }

    @Test
    void headerTokenOfANewSessionGoesOutBeforeAnEarlyFlushedBody() throws Exception {
        headerOn();

        HttpResponse<String> early = get("/app/early?mode=flush");

        String token = token(early);
        assertThat(token).matches(TOKEN);
        assertThat(early.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(body(get("/app/peek", TOKEN_HEADER, token))).containsEntry("valid", "true");
    }

    @Test
    void headerIsIgnoredAndNeverSentWhenTheSettingIsOff() throws Exception {
        assertThat(settings.sessionHeader()).as("off by default").isNull();
        HttpResponse<String> created = get("/app/set?name=color&value=blue");
        String value = cookie(created).substring(cookieName.length() + 1);

        assertThat(created.headers().firstValue(TOKEN_HEADER)).isEmpty();
        assertThat(body(get("/app/get?name=color", TOKEN_HEADER, value))).containsEntry("id", "null");
        assertThat(body(get("/app/get?name=color", TOKEN_HEADER, "garbage", "Cookie", cookie(created))))
                .as("nor does a header spoil the cookie").containsEntry("value", "blue");
    }

    // ---- lazy creation ----

    @Test
    void requestThatNeverUsesTheSessionGetsNoCookie() throws Exception {
        HttpResponse<String> response = get("/app/peek");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(setCookie(response)).isEmpty();
        assertThat(body(response)).containsEntry("session", "none").containsEntry("requested", "null")
                .containsEntry("valid", "false");
        assertThat(response.headers().firstValue("Cache-Control")).isEmpty();
    }

    @Test
    void sessionCreatedButLeftEmptyIsNotStoredAndSendsNoCookie() throws Exception {
        HttpResponse<String> response = get("/app/create-empty");

        assertThat(body(response)).containsEntry("new", "true");
        assertThat(setCookie(response)).isEmpty();
        assertThat(response.headers().firstValue("Cache-Control")).isEmpty();
    }

    // ---- attributes ----

    @Test
    void attributeSurvivesAcrossRequestsAndTheIdIsAnOpaqueHandle() throws Exception {
        HttpResponse<String> first = get("/app/set?name=color&value=blue");
        String cookie = cookie(first);

        assertThat(body(first)).containsEntry("new", "true");
        assertThat(first.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(setCookie(first).orElseThrow()).contains("HttpOnly").contains("SameSite=Lax").doesNotContain("Secure");

        HttpResponse<String> second = get("/app/get?name=color", "Cookie", cookie);
        Map<String, String> read = body(second);
        assertThat(read).containsEntry("value", "blue").containsEntry("type", "String");
        assertThat(read.get("id")).matches("[0-9a-f]{64}").isEqualTo(body(first).get("id"));
        assertThat(cookie).doesNotContain(read.get("id"));
        assertThat(setCookie(second)).as("a read inside the touch interval writes nothing").isEmpty();

        Map<String, String> peek = body(get("/app/peek", "Cookie", cookie));
        assertThat(peek).containsEntry("session", read.get("id")).containsEntry("requested", read.get("id"))
                .containsEntry("valid", "true").containsEntry("fromCookie", "true").containsEntry("fromUrl", "false");
    }

    @Test
    void everyAttributeTypeComesBackAsTheClassThatWasSetInItsRequestAndTheNext() throws Exception {
        HttpResponse<String> set = get("/app/table-set");
        Map<String, String> inRequest = body(set);
        assertTable(inRequest);
        for (String name : AttributeTable.CLASSES.keySet()) {
            assertThat(inRequest).as("within its request, the instance that was set").containsEntry(name + ".same", "true");
        }

        int writes = store.writes();
        assertTable(body(get("/app/table-read", "Cookie", cookie(set))));
        assertThat(store.writes()).as("values read and not changed are not written").isEqualTo(writes);
    }

    @Test
    void everyAttributeTypeSurvivesARestartOverTheSameDatabaseAndSecret() throws Exception {
        String cookie = cookie(get("/app/table-set"));

        stopApplication();
        startApplication(); // a new store, manager and container; the same database and secret

        Map<String, String> report = body(get("/app/table-read", "Cookie", cookie));
        if (stores.persistent()) {
            assertTable(report);
        } else {
            // the memory store lives in the JVM: a restart ends every session, as the README says
            assertThat(report).containsEntry("session", "none");
        }
    }

    /** Each attribute of {@link AttributeTable}: its class, equal to what was set, the same instance when read twice. */
    private static void assertTable(Map<String, String> report) {
        AttributeTable.CLASSES.forEach((name, type) -> {
            assertThat(report).as(name).containsEntry(name + ".class", type).containsEntry(name + ".equal", "true")
                    .containsEntry(name + ".sameAgain", "true");
        });
        assertThat(report).containsEntry("intKeys.get7", "seven").containsEntry("decimal.text", "10.00")
                .containsEntry("names", AttributeTable.CLASSES.keySet().stream().sorted().toList().toString());
    }

    @Test
    void valueChangedInPlaceIsSavedAndOneOnlyReadIsNotWritten() throws Exception {
        HttpResponse<String> first = get("/app/cart?op=new&item=apple");
        assertThat(body(first)).containsEntry("items", "[apple]");
        String cookie = cookie(first);

        assertThat(body(get("/app/cart?op=add&item=pear", "Cookie", cookie))).containsEntry("items", "[apple, pear]");

        int writes = store.writes();
        assertThat(body(get("/app/cart?op=show", "Cookie", cookie))).containsEntry("items", "[apple, pear]");
        assertThat(store.writes()).as("a cart read and not changed is not written").isEqualTo(writes);
    }

    @Test
    void valueChangedInPlaceAfterAFlushCommittedTheResponseIsSaved() throws Exception {
        HttpResponse<String> response = get("/app/late-mutate");

        assertThat(body(response)).containsEntry("items", "flushed");
        assertThat(body(get("/app/cart?op=show", "Cookie", cookie(response)))).containsEntry("items", "[apple, pear]");
    }

    @Test
    void refusedValuesFailAtSetAttributeWithTheirReasonAndLeaveTheSessionAsItWas() throws Exception {
        HttpResponse<String> first = get("/app/set?name=kept&value=old");
        String cookie = cookie(first);
        LookupKey key = new LookupKey(body(first).get("id"));
        int max = settings.maxAttributeBytes();

        HttpResponse<String> response = get("/app/refuse?maxBytes=" + max, "Cookie", cookie);

        Map<String, String> result = body(response);
        for (String attempt : List.of("direct", "nested")) {
            assertThat(result).as(attempt).containsEntry(attempt + ".thrown", "true")
                    .containsEntry(attempt + ".reason", "TYPE_NOT_ALLOWED").containsEntry(attempt + ".attribute", "kept")
                    .containsEntry(attempt + ".namesClass", "true").containsEntry(attempt + ".namesTypesSetting", "true")
                    .containsEntry(attempt + ".after", "old");
        }
        for (String attempt : List.of("bigString", "bigBean")) {
            assertThat(result).as(attempt).containsEntry(attempt + ".thrown", "true")
                    .containsEntry(attempt + ".reason", "ATTRIBUTE_TOO_LARGE").containsEntry(attempt + ".attribute", "kept")
                    .containsEntry(attempt + ".namesSizeSetting", "true").containsEntry(attempt + ".after", "old");
        }
        assertThat(result).as("a value of exactly the limit is stored").containsEntry("fits", Integer.toString(max - 2))
                .containsEntry("names", "[fits, kept]");
        assertNoErrorText(response);
        assertThat(stores.readRawAttribute(store, key, "kept")).isEqualTo(SessionJson.parse("\"old\""));
        assertThat(body(get("/app/get?name=kept", "Cookie", cookie))).containsEntry("value", "old");
    }

    @Test
    void unreadableStoredAttributesAreAbsentTheRestWorksAndTheirJsonStaysAsItWas() throws Exception {
        HttpResponse<String> first = get("/app/set?name=user&value=alice");
        String cookie = cookie(first);
        LookupKey key = new LookupKey(body(first).get("id"));
        // a class renamed by a deploy, inside the allowed package; and a class outside the allow-list
        String ghost = "{\"@class\": \"dev.sessionkit.servlet.app.RenamedCart\", \"items\": [\"apple\"]}";
        String gadget = "[\"dev.sessionkit.servlet.Gadget\", {\"command\": \"rm -rf /\"}]";
        stores.writeRawAttribute(store, key, "ghost", ghost);
        stores.writeRawAttribute(store, key, "gadget", gadget);

        HttpResponse<String> response = get("/app/unreadable", "Cookie", cookie);

        assertThat(body(response)).containsEntry("ghost", "null").containsEntry("gadget", "null")
                .containsEntry("names", "[user]").containsEntry("user", "alice")
                .containsEntry("gadgetInitialized", "false").containsEntry("gadgetInstantiated", "false");
        assertNoErrorText(response);
        assertThat(stores.readRawAttribute(store, key, "ghost")).isEqualTo(SessionJson.parse(ghost));
        assertThat(stores.readRawAttribute(store, key, "gadget")).isEqualTo(SessionJson.parse(gadget));
        assertThat(body(get("/app/get?name=after", "Cookie", cookie))).as("the write beside them was saved")
                .containsEntry("value", "written");
    }

    @Test
    void unreadableStoredAttributeIsGoneOnceTheApplicationRemovesOrOverwritesIt() throws Exception {
        HttpResponse<String> first = get("/app/set?name=user&value=alice");
        String cookie = cookie(first);
        LookupKey key = new LookupKey(body(first).get("id"));
        stores.writeRawAttribute(store, key, "ghost", "{\"@class\": \"dev.sessionkit.servlet.app.RenamedCart\"}");
        stores.writeRawAttribute(store, key, "gadget", "[\"dev.sessionkit.servlet.Gadget\", {}]");

        assertThat(body(get("/app/remove?name=ghost", "Cookie", cookie))).containsEntry("removed", "ghost");
        assertThat(body(get("/app/set?name=gadget&value=replaced", "Cookie", cookie))).containsEntry("new", "false");

        assertThat(stores.readRawAttribute(store, key, "ghost")).as("removed from the store").isNull();
        assertThat(stores.readRawAttribute(store, key, "gadget")).isEqualTo(SessionJson.parse("\"replaced\""));
        assertThat(body(get("/app/get?name=user", "Cookie", cookie))).containsEntry("value", "alice");
    }

    @Test
    void valueJacksonCannotWriteFailsAtSetAttributeNamingAttributeAndType() throws Exception {
        HttpResponse<String> response = get("/app/bad");

        Map<String, String> result = body(response);
        assertThat(result).containsEntry("thrown", "true").containsEntry("reason", "NOT_SERIALIZABLE")
                .containsEntry("attribute", "widget").containsEntry("after", "null");
        assertThat(result.get("message")).contains("widget").contains(Exploding.class.getName());
        assertThat(body(get("/app/get?name=ok", "Cookie", cookie(response)))).containsEntry("value", "fine");
    }

    @Test
    void maxInactiveIntervalIsKeptPerSession() throws Exception {
        HttpResponse<String> set = get("/app/max-inactive?seconds=120");
        assertThat(body(set)).containsEntry("seconds", "120");

        assertThat(body(get("/app/max-inactive", "Cookie", cookie(set)))).containsEntry("seconds", "120");
    }

    @Test
    void forwardSharesTheOuterRequestsSession() throws Exception {
        HttpResponse<String> response = get("/app/forward?name=via&value=forward");

        assertThat(body(get("/app/get?name=via", "Cookie", cookie(response)))).containsEntry("value", "forward");
    }

    // ---- id renewal (SESSION_RENEWAL_INTERVAL) ----

    @Test
    void renewalGivesASignedInSessionANewCookieWhileTheOldOneServesTheSameSessionForTheGraceOnly()
            throws Exception {
        MutableClock clock = MutableClock.create();
        restartWith(settings.newBuilder().renewalInterval(Duration.ofMinutes(15)).renewalGrace(Duration.ofSeconds(5))
                .build(), clock);
        try {
            HttpResponse<String> signIn = get("/app/signin?user=ann");
            String first = cookie(signIn);
            clock.advance(Duration.ofMinutes(14));
            assertThat(setCookie(get("/app/get?name=user", "Cookie", first))).as("before the interval").isEmpty();

            clock.advance(Duration.ofMinutes(1));
            HttpResponse<String> renewal = get("/app/increment", "Cookie", first);
            String second = cookie(renewal);
            assertThat(second).isNotEqualTo(first);
            assertThat(body(renewal)).containsEntry("value", "1");
            assertThat(renewal.headers().firstValue("Cache-Control")).contains("no-store");

            clock.advance(Duration.ofSeconds(4));
            HttpResponse<String> inFlight = get("/app/increment", "Cookie", first);
            assertThat(body(inFlight)).as("the old cookie, in the grace").containsEntry("value", "2");
            assertThat(setCookie(inFlight)).as("no cookie for the old id").isEmpty();
            Map<String, String> current = body(get("/app/get?name=user", "Cookie", second));
            assertThat(current).containsEntry("value", "ann");
            assertThat(body(get("/app/get?name=user", "Cookie", first))).as("one session under both cookies")
                    .containsEntry("id", current.get("id"));

            clock.advance(Duration.ofSeconds(1));
            assertThat(body(get("/app/get?name=user", "Cookie", first))).as("the old cookie after the grace")
                    .containsEntry("value", "null");
            assertThat(body(get("/app/get?name=user", "Cookie", second))).containsEntry("value", "ann");
        } finally {
            restartWith(settings, Clock.systemUTC());
        }
    }

    @Test
    void logoutWithTheOldCookieDuringTheRenewalGraceEndsTheSessionUnderBothCookies() throws Exception {
        MutableClock clock = MutableClock.create();
        restartWith(settings.newBuilder().renewalInterval(Duration.ofMinutes(15)).build(), clock);
        try {
            String first = cookie(get("/app/signin?user=ann"));
            clock.advance(Duration.ofMinutes(15));
            String second = cookie(get("/app/get?name=user", "Cookie", first));
            clock.advance(Duration.ofSeconds(1));

            HttpResponse<String> logout = get("/app/logout", "Cookie", first);

            assertThat(body(logout)).containsEntry("had", "true");
            assertThat(setCookie(logout)).hasValueSatisfying(c -> assertThat(c).contains("Max-Age=0"));
            assertThat(body(get("/app/get?name=user", "Cookie", second))).as("the new cookie")
                    .containsEntry("value", "null");
            assertThat(body(get("/app/get?name=user", "Cookie", first))).as("the old cookie")
                    .containsEntry("value", "null");
        } finally {
            restartWith(settings, Clock.systemUTC());
        }
    }

    private void restartWith(SessionSettings with, Clock clock) throws Exception {
        stopApplication();
        startApplication(with, clock);
    }

    // ---- id change, logout ----

    @Test
    void loginRotatesTheIdRedirectKeepsTheNewCookieAndTheOldCookieIsDead() throws Exception {
        String before = cookie(get("/app/set?name=cart&value=3"));
        listener.clear();

        HttpResponse<String> login = get("/app/login?user=ann", "Cookie", before);

        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/app/get?name=user"));
        assertThat(login.headers().firstValue("Cache-Control")).contains("no-store");
        String after = cookie(login);
        assertThat(after).isNotEqualTo(before);
        assertThat(listener.events()).containsExactly("added:user=ann", "idChanged:true");

        assertThat(body(get("/app/get?name=user", "Cookie", after))).containsEntry("value", "ann");
        assertThat(body(get("/app/get?name=cart", "Cookie", after))).containsEntry("value", "3");
        assertThat(body(get("/app/get?name=user", "Cookie", before))).containsEntry("value", "null")
                .containsEntry("id", "null");
        assertThat(body(get("/app/peek", "Cookie", before))).containsEntry("valid", "false");
    }

    @Test
    void invalidateClearsTheCookieTheOldCookieIsDeadAndTheSessionIsUnusable() throws Exception {
        String cookie = cookie(get("/app/set?name=user&value=bob"));
        listener.clear();

        HttpResponse<String> logout = get("/app/logout", "Cookie", cookie);

        assertThat(body(logout)).containsEntry("had", "true").containsEntry("afterInvalidate", "IllegalStateException")
                .containsEntry("newSession", "null");
        assertThat(setCookie(logout)).hasValueSatisfying(c -> assertThat(c).startsWith(cookieName + "=;").contains("Max-Age=0"));
        assertThat(logout.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(listener.events()).containsExactly("destroyed:bob", "removed:user=bob");

        assertThat(body(get("/app/get?name=user", "Cookie", cookie))).containsEntry("value", "null");
        HttpResponse<String> again = get("/app/logout", "Cookie", cookie);
        assertThat(body(again)).containsEntry("had", "false");
        assertThat(setCookie(again)).as("a dead cookie is cleared too").hasValueSatisfying(c -> assertThat(c).contains("Max-Age=0"));
    }

    @Test
    void servletListenersHearCreationAndAttributeChanges() throws Exception {
        String cookie = cookie(get("/app/set?name=color&value=red"));
        get("/app/set?name=color&value=green", "Cookie", cookie);

        assertThat(listener.events()).containsExactly("created", "added:color=red", "replaced:color=red");
    }

    @Test
    void sessionCreatedIsHeardOnceForASessionTheCoreApiCreates() throws Exception {
        String cookie = cookie(get("/app/core-create"));
        assertThat(listener.events()).containsExactly("created");

        get("/app/core-create", "Cookie", cookie);
        assertThat(listener.events()).as("the session exists: nothing is created").containsExactly("created");
    }

    @Test
    void sessionCreatedIsHeardOnceWhenTheCoreApiAndGetSessionShareTheNewSession() throws Exception {
        assertThat(body(get("/app/core-then-servlet"))).containsEntry("sameSession", "true");

        assertThat(listener.events()).containsExactly("created", "added:via=both");
    }

    @Test
    void sessionCreatedIsHeardForTheSessionThatReplacesAnInvalidatedOneInTheSameRequest() throws Exception {
        String old = cookie(get("/app/set?name=user&value=bob"));
        listener.clear();

        HttpResponse<String> relogin = get("/app/relogin", "Cookie", old);

        assertThat(body(relogin)).containsEntry("new", "true");
        assertThat(listener.events()).containsExactly("destroyed:bob", "removed:user=bob", "created", "added:fresh=yes");
        String fresh = cookie(relogin);
        assertThat(fresh).isNotEqualTo(old);
        assertThat(body(get("/app/get?name=fresh", "Cookie", fresh))).containsEntry("value", "yes");
        assertThat(body(get("/app/get?name=user", "Cookie", old))).containsEntry("value", "null");
    }

    // ---- the cookie on committed responses ----

    @Test
    void newSessionsCookieGoesOutWhenAFlushCommitsTheResponseBeforeTheFirstAttribute() throws Exception {
        assertAttributeSetAfterTheBodyReachesTheNextRequest("flush");
    }

    @Test
    void newSessionsCookieGoesOutWhenABodyLargerThanTheBufferCommitsTheResponseBeforeTheFirstAttribute()
            throws Exception {
        assertAttributeSetAfterTheBodyReachesTheNextRequest("large");
    }

    @Test
    void newSessionsCookieSentBeforeTheBodyNamesAStoredSessionEvenWhenNothingIsSetAfter() throws Exception {
        HttpResponse<String> response = get("/app/early?mode=flush&set=false");

        assertThat(body(response)).containsEntry("committedBeforeSet", "true");
        assertThat(body(get("/app/peek", "Cookie", cookie(response)))).as("the cookie that went out names a session")
                .containsEntry("valid", "true").doesNotContainEntry("session", "none");
    }

    private void assertAttributeSetAfterTheBodyReachesTheNextRequest(String mode) throws Exception {
        HttpResponse<String> response = get("/app/early?mode=" + mode);

        assertThat(body(response)).containsEntry("body", "first").containsEntry("committedBeforeSet", "true");
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(listener.events()).containsExactly("created", "added:x=v");
        assertThat(body(get("/app/get?name=x", "Cookie", cookie(response)))).containsEntry("value", "v");
    }

    @Test
    void flushedWriterResponseKeepsTheCookie() throws Exception {
        assertStreamedResponseKeepsTheCookie("writer-flush", 64 * 1024);
    }

    @Test
    void writerBodyLargerThanTheBufferKeepsTheCookie() throws Exception {
        assertStreamedResponseKeepsTheCookie("writer-large", 256 * 1024);
    }

    @Test
    void streamBodyLargerThanTheBufferKeepsTheCookie() throws Exception {
        assertStreamedResponseKeepsTheCookie("stream-large", 256 * 1024);
    }

    @Test
    void flushBufferBeforeTheBodyKeepsTheCookie() throws Exception {
        assertStreamedResponseKeepsTheCookie("flush-buffer", 10 * 1024);
    }

    @Test
    void bodyReachingTheDeclaredContentLengthKeepsTheCookie() throws Exception {
        assertStreamedResponseKeepsTheCookie("content-length", 3000);
    }

    private void assertStreamedResponseKeepsTheCookie(String mode, int size) throws Exception {
        HttpResponse<String> response = get("/app/stream?mode=" + mode + "&size=" + size);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).hasSize(size);
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(body(get("/app/get?name=streamed", "Cookie", cookie(response)))).containsEntry("value", mode);
    }

    @Test
    void sendErrorKeepsTheCookie() throws Exception {
        HttpResponse<String> response = get("/app/error");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(body(get("/app/get?name=before-error", "Cookie", cookie(response)))).containsEntry("value", "yes");
    }

    @Test
    void asyncResponseCompletedOnAnotherThreadKeepsTheCookie() throws Exception {
        HttpResponse<String> response = get("/app/async");

        assertThat(response.body()).isEqualTo("done\n");
        assertThat(body(get("/app/get?name=async", "Cookie", cookie(response)))).containsEntry("value", "completed");
    }

    @Test
    void asyncDispatchServesTheSameSessionAndKeepsTheCookie() throws Exception {
        HttpResponse<String> response = get("/app/async-dispatch");

        assertThat(body(response)).containsEntry("new", "true");
        assertThat(body(get("/app/get?name=async", "Cookie", cookie(response)))).containsEntry("value", "dispatched");
    }

    // ---- proxies ----

    @Test
    void cookieIsSecureWhenATrustedProxySaysHttps() throws Exception {
        HttpResponse<String> response = get("/app/set?name=a&value=b", "X-Forwarded-Proto", "https",
                "X-Forwarded-For", "203.0.113.9");

        assertThat(setCookie(response)).hasValueSatisfying(c -> assertThat(c).contains("; Secure"));
    }

    // ---- concurrency ----

    @Test
    void fiftyConcurrentIncrementsOnOneSessionLoseNothing() throws Exception {
        HttpResponse<String> first = get("/app/increment");
        assertThat(body(first)).containsEntry("value", "1");
        String cookie = cookie(first);

        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            all.add(client.sendAsync(request("/app/increment", "Cookie", cookie), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> each : all) {
            assertThat(each.get().statusCode()).isEqualTo(200);
        }

        assertThat(body(get("/app/get?name=counter", "Cookie", cookie))).containsEntry("value", "51");
    }

    // ---- hostile cookies ----

    @Test
    void tamperedGarbageAndOversizeCookiesNeverCauseA5xx() throws Exception {
        String valid = cookie(get("/app/set?name=x&value=y"));
        String value = valid.substring(valid.indexOf('=') + 1);
        char last = value.charAt(value.length() - 1);
        String tampered = cookieName + "=" + value.substring(0, value.length() - 1) + (last == 'A' ? 'B' : 'A');
        List<String> cookies = List.of(
                tampered,
                cookieName + "=" + value.substring(0, 43) + "." + "A".repeat(43),
                cookieName + "=garbage",
                cookieName + "=",
                cookieName + "=\"\"",
                cookieName + "=\"" + value,
                cookieName + "=" + value + "; " + cookieName + "=" + value.replace('.', '-'),
                cookieName + "=%00%ff%7B",
                ";;;=;=",
                "=" + value,
                cookieName + "=" + "x".repeat(4000),
                cookieName + "=" + "x".repeat(9000),
                "a=b; " + "c=" + "d".repeat(7000) + "; " + valid);
        for (String cookie : cookies) {
            for (String path : List.of("/app/peek", "/app/get?name=x", "/app/set?name=x&value=z", "/app/logout")) {
                HttpResponse<String> response = get(path, "Cookie", cookie);
                assertThat(response.statusCode()).as("%s with cookie %.60s", path, cookie).isLessThan(500);
                if (response.statusCode() == 200 && path.equals("/app/get?name=x") && !cookie.contains(valid)) {
                    assertThat(body(response)).as("cookie %.60s", cookie).containsEntry("value", "null");
                }
            }
        }
    }

    // ---- store outage ----

    @Test
    void storeDownAnswers503FastWithoutStackTraceAndRecoversAfter() throws Exception {
        String cookie = cookie(get("/app/set?name=kept&value=yes"));
        List<HttpResponse<String>> responses = new ArrayList<>();
        takeStoreDown();
        try {
            for (String[] call : List.of(
                    new String[] {"/app/get?name=kept", "Cookie", cookie}, // load fails before the chain runs
                    new String[] {"/app/set?name=a&value=b"}, // create fails when the chain returns
                    new String[] {"/app/stream?mode=writer-flush&size=100000"}, // create fails at the first flush
                    new String[] {"/app/login?user=eve", "Cookie", cookie})) {
                long start = System.nanoTime();
                responses.add(get(call[0], java.util.Arrays.copyOfRange(call, 1, call.length)));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as(call[0]).isLessThan(stores.failFast());
            }
        } finally {
            bringStoreUp();
        }

        for (HttpResponse<String> response : responses) {
            assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(503);
            assertThat(response.body()).isEqualTo("{\"error\":\"session_store_unavailable\"}");
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("application/json"));
            assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
            assertThat(setCookie(response)).isEmpty();
        }
        assertThat(body(afterRecovery("/app/get?name=kept", "Cookie", cookie))).containsEntry("value", "yes");
        assertThat(body(get("/app/get?name=user", "Cookie", cookie))).as("the failed login changed nothing")
                .containsEntry("value", "null");
    }

    /**
     * The first request that is not a 503 once the backend is back: a restarted database is
     * reconnected by the pool within about its connect timeout, so allow a few seconds.
     */
    private HttpResponse<String> afterRecovery(String path, String... headers) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        HttpResponse<String> response = get(path, headers);
        while (response.statusCode() == 503 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            response = get(path, headers);
        }
        return response;
    }

    private void takeStoreDown() {
        if (stores.canStopBackend()) {
            stores.stopBackend();
        } else {
            store.failAll();
        }
    }

    private void bringStoreUp() {
        if (stores.canStopBackend()) {
            stores.startBackend();
        } else {
            store.recover();
        }
    }

    @Test
    void applicationExceptionIsLeftToTheContainerNotTurnedInto503() throws Exception {
        HttpResponse<String> response = get("/app/fail");

        assertThat(response.statusCode()).isEqualTo(500);
    }

    // ---- per-user limit and other devices ----

    @Test
    void aLoginBeyondTheLimitWithRefuseNewIsAnsweredWithTheRefusalAndClearsItsCookie() throws Exception {
        String user = "refused-" + System.nanoTime();
        HttpResponse<String> first = get("/app/limited-login?max=1&mode=REFUSE_NEW&user=" + user);
        assertThat(first.statusCode()).isEqualTo(302);
        String firstCookie = cookie(first);

        HttpResponse<String> second = get("/app/limited-login?max=1&mode=REFUSE_NEW&user=" + user);
        HttpResponse<String> secondWithBody = get("/app/limited-login?max=1&mode=REFUSE_NEW&body=1&user=" + user);

        for (HttpResponse<String> refused : List.of(second, secondWithBody)) {
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).isEqualTo("{\"error\":\"session_limit_reached\"}");
            assertThat(refused.headers().firstValue("Location")).isEmpty();
            assertThat(setCookie(refused)).get(org.assertj.core.api.InstanceOfAssertFactories.STRING).contains("Max-Age=0");
            assertThat(refused.headers().firstValue("Cache-Control")).contains("no-store");
        }
        assertThat(body(get("/app/get?name=user", "Cookie", firstCookie))).containsEntry("value", user);
        assertThat(manager.sessionsOf(user)).hasSize(1);
    }

    @Test
    void aLoginBeyondTheLimitWithReplaceOldestEndsTheOldestSession() throws Exception {
        String user = "replaced-" + System.nanoTime();
        String first = cookie(get("/app/limited-login?max=1&mode=REPLACE_OLDEST&user=" + user));
        String second = cookie(get("/app/limited-login?max=1&mode=REPLACE_OLDEST&user=" + user));

        assertThat(body(get("/app/get?name=user", "Cookie", second))).containsEntry("value", user);
        assertThat(body(get("/app/get?name=user", "Cookie", first))).containsEntry("value", "null");
        assertThat(manager.sessionsOf(user)).hasSize(1);
    }

    @Test
    void signOutOtherDevicesLeavesOnlyTheCallersSession() throws Exception {
        String user = "devices-" + System.nanoTime();
        String phone = cookie(get("/app/limited-login?max=0&mode=REPLACE_OLDEST&user=" + user));
        String laptop = cookie(get("/app/limited-login?max=0&mode=REPLACE_OLDEST&user=" + user));

        assertThat(body(get("/app/other-devices", "Cookie", laptop))).containsEntry("ended", "1");
        assertThat(body(get("/app/get?name=user", "Cookie", laptop))).containsEntry("value", user);
        assertThat(body(get("/app/get?name=user", "Cookie", phone))).containsEntry("value", "null");
    }

    // ---- helpers ----

    private HttpRequest request(String path, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder.GET().build();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpResponse<String> response = client.send(request(path, headers), HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().allValues("Set-Cookie")).as("the container's own session cookie")
                .noneMatch(c -> c.toUpperCase(java.util.Locale.ROOT).startsWith("JSESSIONID"));
        assertThat(response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(cookieName + "=")))
                .as("at most one session cookie").hasSizeLessThanOrEqualTo(1);
        return response;
    }

    private Optional<String> setCookie(HttpResponse<String> response) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(cookieName + "="))
                .findFirst();
    }

    /** The session token of the response's {@code X-Session-Token} header, which must be there once. */
    private static String token(HttpResponse<String> response) {
        List<String> values = response.headers().allValues(TOKEN_HEADER);
        assertThat(values).as("the session header of %s %s: %s", response.statusCode(), response.uri(),
                response.headers().map()).hasSize(1);
        return values.get(0);
    }

    /** The {@code name=value} to send back, from the response's {@code Set-Cookie}. */
    private String cookie(HttpResponse<String> response) {
        String header = setCookie(response).orElseThrow(() -> new AssertionError(
                "no session cookie on " + response.statusCode() + " " + response.uri() + ": " + response.headers().map()));
        return header.substring(0, header.indexOf(';'));
    }

    /** The servlet reports the failures it expects itself: no stack trace or exception text reaches the client. */
    private static void assertNoErrorText(HttpResponse<String> response) {
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("Caused by")
                .doesNotContainPattern("\\sat [\\w.$]+\\(").doesNotContainPattern("\\.java:\\d+");
    }

    private static Map<String, String> body(HttpResponse<String> response) {
        assertThat(response.statusCode()).as("status of %s: %s", response.uri(), response.body()).isEqualTo(200);
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : response.body().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                map.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return map;
    }
}
