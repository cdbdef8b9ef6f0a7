package dev.sessionkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionkit.testkit.MutableClock;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP contract of the account portal (issue 6), end to end: each subclass starts one demo app
 * on one store in this JVM, on a free port, and every test talks to it with
 * {@link java.net.http.HttpClient} like a client would, bad inputs included.
 *
 * <p>The apps run on a {@link MutableClock}, so expiry is tested without sleeping. Idle and absolute
 * timeouts are both an hour here, so that a restarted absolute lifetime shows in {@code expiresAt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
abstract class PortalContract {

    private static final Pattern ISO_UTC = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?Z");
    private static final Pattern HANDLE = Pattern.compile("[A-Za-z0-9_-]+");

    /** The variables every app of the contract runs with, on top of its store's. */
    static final Map<String, String> ENV = Map.of(
            "SESSION_SECRET", "portal-contract-secret-0123456789-abcdefghijklmnop",
            "SESSION_TTL", "1h",
            "SESSION_ABSOLUTE_TTL", "1h");

    protected final MutableClock clock = MutableClock.create();
    private RunningDemo app;
    private final List<String> sessionCookies = new ArrayList<>();

    /** Starts the app under test. */
    protected abstract RunningDemo start(MutableClock clock, Map<String, String> env) throws Exception;

    @BeforeAll
    void startApp() throws Exception {
        app = start(clock, ENV);
    }

    @AfterAll
    void stopApp() {
        if (app != null) {
            app.close();
        }
    }

    /** Each test starts with the store up and no live session but the ones it makes. */
    @BeforeEach
    void noSessionsLeft() {
        app.store().up();
        awaitReady();
        Client admin = device("cleanup");
        admin.login("admin");
        assertThat(admin.delete("/api/admin/sessions").status()).isEqualTo(200);
        assertThat(admin.post("/api/logout").status()).isEqualTo(204);
    }

    // ---- probes ----

    @Test
    void healthzIsOkAndCreatesNoSession() {
        Client.Response response = device("probe").get("/healthz");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json()).isEqualTo(json("{\"status\":\"ok\"}"));
        assertThat(response.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(response.setCookies()).isEmpty();
    }

    @Test
    void readyzIsOkWhileTheStoreAnswers() {
        Client.Response response = device("probe").get("/readyz");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("store").textValue()).isEqualTo(app.store().name());
        assertThat(response.setCookies()).isEmpty();
    }

    // ---- the page ----

    @Test
    void homeShowsTheLoginFormToAnonymousVisitorsAndCreatesNoSession() {
        Client.Response response = device("browser").get("/");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(response.body()).contains("<form", "action=\"/api/login\"", "name=\"username\"", "name=\"password\"",
                "'Content-Type': 'application/json'");
        assertThat(response.body()).doesNotContain("Wrong user name");
        assertThat(response.setCookies()).isEmpty();
    }

    @Test
    void loginThenTheDashboardCountsVisits() {
        Client browser = device("Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0");
        browser.login("alice");
        assertThat(browser.cookie()).isNotNull();

        Client.Response first = browser.get("/");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("Cache-Control")).hasValue("no-store");
        assertThat(first.body()).contains("id=\"user\">alice<", "id=\"visits\">1<", "this device", "Sign out",
                "Sign out everywhere", "Chrome on Linux").doesNotContain("admin-stats");
        assertThat(browser.get("/").body()).contains("id=\"visits\">2<");
        assertThat(browser.get("/api/session/test-session").json().get("visits").asLong()).isEqualTo(3);
        assertThat(browser.get("/").body()).contains("id=\"visits\">4<");
    }

    @Test
    void theLoginPageShowsTheErrorItIsSentBackWith() {
        Client browser = device("browser");

        assertThat(browser.get("/?error=1").body()).contains("Wrong user name or password", "<form");
        assertThat(browser.cookie()).isNull();
    }

    @Test
    void theOldFormLoginEndpointIsGone() {
        Client browser = device("browser");
        Client.Response login = browser.postForm("/login", "username", "alice", "password", "alice-password");

        assertThat(login.status()).isEqualTo(415); // form-encoded: refused before any route is looked at
        assertThat(browser.postJson("/login", "{\"username\":\"alice\",\"password\":\"alice-password\"}").status())
                .isEqualTo(404);
        assertThat(browser.cookie()).isNull();
    }

    @Test
    void dashboardOfAnAdminShowsTheStoreStatsAndEveryDeviceWithSignOutButtons() {
        Client laptop = device("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Firefox/121.0");
        Client phone = device("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1");
        laptop.login("admin");
        phone.login("admin");
        String phoneHandle = handleOf(phone);

        String page = laptop.get("/").body();

        assertThat(page).contains("id=\"admin-stats\"", "Firefox on macOS", "Safari on iOS", "this device",
                "data-url=\"/api/sessions/me/" + phoneHandle + "\"");
        assertThat(page).contains("<td>127.0.0.1</td>");
    }

    @Test
    void dashboardEscapesWhatTheClientSent() {
        Client evil = device("<script>alert(1)</script>");
        evil.login("alice");

        assertThat(evil.get("/").body()).doesNotContain("<script>alert(1)").contains("&lt;script&gt;alert(1)");
    }

    // ---- JSON login and logout ----

    @Test
    void apiLoginAnswersUserAndRolesRotatesTheIdAndKeepsAnonymousData() {
        Client device = device("api");
        device.get("/api/session/test-session");
        assertThat(device.putJson("/api/session/prefs/theme", "\"dark\"").status()).isEqualTo(204);
        Client before = device.replay();

        Client.Response login = device.postJson("/api/login", "{\"username\":\"alice\",\"password\":\"alice-password\"}");

        assertThat(login.status()).isEqualTo(200);
        assertThat(login.json()).isEqualTo(json("{\"user\":\"alice\",\"roles\":[\"user\"]}"));
        assertThat(device.cookie()).isNotNull().isNotEqualTo(before.cookie());
        JsonNode session = device.get("/api/session").json();
        assertThat(session.get("authenticated").booleanValue()).isTrue();
        assertThat(session.get("user").textValue()).isEqualTo("alice");
        assertThat(session.get("visits").asLong()).isEqualTo(1);
        assertThat(session.get("prefs")).isEqualTo(json("{\"theme\":\"dark\"}"));
        // the id before login no longer works
        assertThat(before.get("/api/session").json().get("authenticated").booleanValue()).isFalse();

        Client admin = device("admin");
        assertThat(admin.login("admin").json()).isEqualTo(json("{\"user\":\"admin\",\"roles\":[\"admin\"]}"));
    }

    @Test
    void apiLoginRefusesWrongCredentials() {
        Client device = device("api");
        for (String body : List.of("{\"username\":\"alice\",\"password\":\"bob-password\"}",
                "{\"username\":\"mallory\",\"password\":\"mallory-password\"}",
                "{\"username\":\"alice\",\"password\":\"\"}",
                "{\"username\":\"ALICE\",\"password\":\"alice-password\"}")) {
            Client.Response response = device.postJson("/api/login", body);
            assertThat(response.status()).as(body).isEqualTo(401);
            assertThat(response.error()).isEqualTo("invalid_credentials");
        }
        assertThat(device.cookie()).isNull();
    }

    @Test
    void apiLoginRejectsMalformedBodies() {
        Client device = device("api");
        for (String body : List.of("", "{", "not json", "[]", "\"alice\"", "{}", "{\"username\":\"alice\"}",
                "{\"password\":\"alice-password\"}", "{\"username\":1,\"password\":\"alice-password\"}",
                "{\"username\":\"alice\",\"password\":null}",
                "{\"username\":\"alice\",\"password\":\"alice-password\"} trailing")) {
            Client.Response response = device.postJson("/api/login", body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.error()).isEqualTo("bad_request");
        }
        assertThat(device.cookie()).isNull();
    }

    @Test
    void loginAsAnotherUserDropsTheFormerUsersData() {
        Client device = device("shared computer");
        device.login("alice");
        device.get("/api/session/test-session");
        device.putJson("/api/session/prefs/theme", "\"dark\"");

        device.login("bob");

        JsonNode session = device.get("/api/session").json();
        assertThat(session.get("user").textValue()).isEqualTo("bob");
        assertThat(session.get("visits").asLong()).isZero();
        assertThat(session.get("prefs")).isEqualTo(json("{}"));
    }

    @Test
    void loginRestartsTheAbsoluteLifetime() {
        Client device = device("api");
        device.get("/api/session/test-session");
        JsonNode anonymous = device.get("/api/session").json();
        Instant created = Instant.parse(anonymous.get("createdAt").textValue());
        assertThat(Instant.parse(anonymous.get("expiresAt").textValue())).isEqualTo(created.plus(Duration.ofHours(1)));

        clock.advance(Duration.ofMinutes(40));
        device.login("alice");
        clock.advance(Duration.ofMinutes(30)); // past the first hour

        JsonNode signedIn = device.get("/api/session").json();
        assertThat(signedIn.get("authenticated").booleanValue()).isTrue();
        assertThat(Instant.parse(signedIn.get("createdAt").textValue())).isEqualTo(created);
        assertThat(Instant.parse(signedIn.get("expiresAt").textValue()))
                .isEqualTo(created.plus(Duration.ofMinutes(40)).plus(Duration.ofHours(1)));
    }

    @Test
    void sessionsEndWhenTheyExpire() {
        Client device = device("api");
        device.login("alice");

        clock.advance(Duration.ofMinutes(61));

        assertThat(device.get("/api/session").json().get("authenticated").booleanValue()).isFalse();
        assertThat(device.get("/api/sessions/me").status()).isEqualTo(401);
    }

    @Test
    void logoutEndsTheSessionClearsTheCookieAndIsIdempotent() {
        Client device = device("api");
        device.login("alice");
        Client stolen = device.replay();

        Client.Response logout = device.post("/api/logout");

        assertThat(logout.status()).isEqualTo(204);
        assertThat(logout.setCookies()).singleElement().satisfies(c -> assertThat(c).contains("Max-Age=0"));
        assertThat(device.cookie()).isNull();
        assertThat(stolen.get("/api/session").json().get("authenticated").booleanValue()).isFalse();

        Client.Response withDeadCookie = stolen.post("/api/logout");
        assertThat(withDeadCookie.status()).isEqualTo(204);
        assertThat(withDeadCookie.setCookies()).singleElement().satisfies(c -> assertThat(c).contains("Max-Age=0"));
        Client.Response withoutCookie = device("nobody").post("/api/logout");
        assertThat(withoutCookie.status()).isEqualTo(204);
        assertThat(withoutCookie.setCookies()).isEmpty();
    }

    @Test
    void signOutOtherDevicesKeepsOnlyThisSessionOfTheUser() {
        Client laptop = device("laptop");
        Client phone = device("phone");
        Client tablet = device("tablet");
        Client bob = device("bob");
        laptop.login("alice");
        phone.login("alice");
        tablet.login("alice");
        bob.login("bob");

        Client.Response response = laptop.post("/api/logout-others");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json()).isEqualTo(json("{\"revoked\":2}"));
        assertThat(response.setCookies()).as("this session stays, its cookie too").isEmpty();
        assertThat(laptop.get("/api/session").json().get("user").textValue()).isEqualTo("alice");
        assertThat(phone.get("/api/session").json().get("authenticated").booleanValue()).isFalse();
        assertThat(tablet.get("/api/session").json().get("authenticated").booleanValue()).isFalse();
        assertThat(bob.get("/api/session").json().get("user").textValue()).isEqualTo("bob");
        assertThat(laptop.get("/").body()).contains("id=\"sign-out-others\"").contains("id=\"sign-out-everywhere\"");

        Client.Response anonymous = device("anonymous").post("/api/logout-others");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.error()).isEqualTo("unauthenticated");
    }

    @Test
    void logoutEverywhereEndsEverySessionOfTheUserOnly() {
        Client laptop = device("laptop");
        Client phone = device("phone");
        Client bob = device("bob");
        laptop.login("alice");
        phone.login("alice");
        bob.login("bob");

        Client.Response response = laptop.post("/api/logout-all");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json()).isEqualTo(json("{\"revoked\":2}"));
        assertThat(response.setCookies()).singleElement().satisfies(c -> assertThat(c).contains("Max-Age=0"));
        assertThat(phone.get("/api/session").json().get("authenticated").booleanValue()).isFalse();
        assertThat(bob.get("/api/session").json().get("user").textValue()).isEqualTo("bob");

        Client.Response anonymous = device("anonymous").post("/api/logout-all");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.error()).isEqualTo("unauthenticated");
    }

    // ---- the session ----

    @Test
    void sessionInfoOfAnAnonymousVisitorCreatesNoSession() {
        Client.Response response = device("api").get("/api/session");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json()).isEqualTo(json("{\"authenticated\":false,\"user\":null,\"visits\":0,"
                + "\"prefs\":{},\"createdAt\":null,\"expiresAt\":null}"));
        assertThat(response.setCookies()).isEmpty();
    }

    @Test
    void testSessionCreatesTheSessionAndCountsVisits() {
        Client device = device("api");

        Client.Response first = device.get("/api/session/test-session");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json()).isEqualTo(json("{\"visits\":1}"));
        assertThat(first.setCookies()).singleElement().satisfies(cookie -> assertThat(cookie)
                .startsWith("sid=").contains("HttpOnly", "SameSite=Lax", "Path=/").doesNotContainIgnoringCase("domain"));
        assertThat(device.get("/api/session/test-session").json().get("visits").asLong()).isEqualTo(2);
        JsonNode session = device.get("/api/session").json();
        assertThat(session.get("visits").asLong()).isEqualTo(2);
        assertThat(session.get("authenticated").booleanValue()).isFalse();
        assertThat(session.get("createdAt").textValue()).matches(ISO_UTC);
        assertThat(session.get("expiresAt").textValue()).matches(ISO_UTC);
    }

    @Test
    void prefsAreStoredReadAndDeleted() {
        Client device = device("api");

        assertThat(device.putJson("/api/session/prefs/theme", "\"dark\"").status()).isEqualTo(204);
        assertThat(device.cookie()).as("a PUT creates the session").isNotNull();
        assertThat(device.putJson("/api/session/prefs/layout", "{\"columns\":[1,2],\"dense\":true}").status())
                .isEqualTo(204);
        assertThat(device.putJson("/api/session/prefs/font_size-2", "14.5").status()).isEqualTo(204);
        assertThat(device.putJson("/api/session/prefs/" + "x".repeat(32), "null").status()).isEqualTo(204);
        assertThat(device.get("/api/session").json().get("prefs")).isEqualTo(json("{\"theme\":\"dark\","
                + "\"layout\":{\"columns\":[1,2],\"dense\":true},\"font_size-2\":14.5,\"" + "x".repeat(32) + "\":null}"));

        assertThat(device.putJson("/api/session/prefs/theme", "\"light\"").status()).isEqualTo(204);
        assertThat(device.delete("/api/session/prefs/layout").status()).isEqualTo(204);
        assertThat(device.delete("/api/session/prefs/never-set").status()).isEqualTo(204);
        assertThat(device.get("/api/session").json().get("prefs").get("theme").textValue()).isEqualTo("light");
        assertThat(device.get("/api/session").json().get("prefs").has("layout")).isFalse();

        Client anonymous = device("anonymous");
        assertThat(anonymous.delete("/api/session/prefs/theme").status()).isEqualTo(204);
        assertThat(anonymous.cookie()).as("a DELETE creates no session").isNull();
    }

    @Test
    void prefNamesOutsideTheAlphabetOrLengthAreBadRequests() {
        Client device = device("api");
        for (String name : List.of("", "Theme", "the.me", "x".repeat(33), "th%20eme", "%C3%A9", "the+me")) {
            Client.Response put = device.putJson("/api/session/prefs/" + name, "1");
            assertThat(put.status()).as("PUT " + name).isEqualTo(400);
            assertThat(put.error()).isEqualTo("bad_request");
            assertThat(device.delete("/api/session/prefs/" + name).status()).as("DELETE " + name).isEqualTo(400);
        }
        assertThat(device.cookie()).isNull();
    }

    @Test
    void prefValuesThatAreNotJsonOrThatNoStoreCanHoldAreBadRequests() {
        Client device = device("api");
        device.get("/api/session/test-session");
        for (String body : List.of("", "{", "dark", "\"unterminated", "1 2", "\"a\\u0000b\"", "\"\\ud800\"",
                "{\"k\":\"\\udc00x\"}", "{\"a\\u0000\":1}")) {
            Client.Response response = device.putJson("/api/session/prefs/theme", body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.error()).isEqualTo("bad_request");
        }
        assertThat(device.get("/api/session").json().get("prefs")).isEqualTo(json("{}"));
    }

    @Test
    void prefBodiesOver8KiBArePayloadTooLarge() {
        Client device = device("api");
        String fits = "\"" + "a".repeat(8 * 1024 - 2) + "\"";
        String tooLarge = "\"" + "a".repeat(8 * 1024 - 1) + "\"";

        assertThat(device.putJson("/api/session/prefs/big", fits).status()).isEqualTo(204);
        Client.Response declared = device.putJson("/api/session/prefs/big", tooLarge);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.error()).isEqualTo("payload_too_large");
        Client.Response chunked = device.send("PUT", "/api/session/prefs/big", HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(tooLarge.getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                "application/json");
        assertThat(chunked.status()).isEqualTo(413);
        assertThat(chunked.error()).isEqualTo("payload_too_large");
        assertThat(device.get("/api/session").json().get("prefs").get("big").textValue()).hasSize(8 * 1024 - 2);
    }

    @Test
    void prefsAreCappedAndTooDeepValuesArePayloadTooLargeWithoutExceptionText() {
        Client device = device("api");
        for (int i = 0; i < 32; i++) {
            assertThat(device.putJson("/api/session/prefs/p" + i, "\"v\"").status()).as("pref %d", i).isEqualTo(204);
        }
        Client.Response oneTooMany = device.putJson("/api/session/prefs/p32", "\"v\"");
        assertThat(oneTooMany.status()).isEqualTo(413);
        assertThat(oneTooMany.error()).isEqualTo("payload_too_large");
        assertThat(device.putJson("/api/session/prefs/p3", "\"replaced\"").status()).isEqualTo(204);

        Client other = device("api");
        String deep = "[".repeat(40) + "1" + "]".repeat(40);
        Client.Response tooDeep = other.putJson("/api/session/prefs/deep", deep);
        assertThat(tooDeep.status()).isEqualTo(413);
        assertThat(tooDeep.error()).isEqualTo("payload_too_large");
        String veryDeep = "[".repeat(1001) + "1" + "]".repeat(1001);
        Client.Response parseLimit = other.putJson("/api/session/prefs/deep", veryDeep);
        assertThat(parseLimit.status()).isBetween(400, 413);
        for (Client.Response r : java.util.List.of(oneTooMany, tooDeep, parseLimit)) {
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("jackson").doesNotContain("\tat ");
        }
        assertThat(device.get("/api/session").json().get("prefs").size()).isEqualTo(32);
    }

    // ---- my sessions ----

    @Test
    void mySessionsListsEveryDeviceOfTheUserWithOpaqueHandles() {
        Client laptop = device("laptop-agent");
        Client phone = device("phone-agent");
        laptop.login("alice");
        phone.login("alice");
        device("bob").login("bob");

        Client.Response response = laptop.get("/api/sessions/me");

        assertThat(response.status()).isEqualTo(200);
        JsonNode sessions = response.json().get("sessions");
        assertThat(sessions).hasSize(2);
        List<String> agents = new ArrayList<>();
        for (JsonNode s : sessions) {
            assertThat(fieldNames(s)).containsExactlyInAnyOrder("handle", "current", "ip", "userAgent", "createdAt",
                    "lastAccessedAt", "expiresAt");
            assertThat(s.get("handle").textValue()).matches(HANDLE);
            assertThat(s.get("ip").textValue()).isEqualTo("127.0.0.1");
            assertThat(s.get("createdAt").textValue()).matches(ISO_UTC);
            assertThat(s.get("lastAccessedAt").textValue()).matches(ISO_UTC);
            assertThat(s.get("expiresAt").textValue()).matches(ISO_UTC);
            assertThat(s.get("current").booleanValue()).isEqualTo(s.get("userAgent").textValue().equals("laptop-agent"));
            agents.add(s.get("userAgent").textValue());
        }
        assertThat(agents).containsExactlyInAnyOrder("laptop-agent", "phone-agent");
        for (Client device : List.of(laptop, phone)) {
            String id = device.cookieValue().split("\\.")[0];
            assertThat(response.body()).doesNotContain(id);
        }

        Client.Response anonymous = device("anonymous").get("/api/sessions/me");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.error()).isEqualTo("unauthenticated");
    }

    @Test
    void revokingAnotherDeviceEndsItAndUnknownHandlesAreNotFound() {
        Client laptop = device("laptop");
        Client phone = device("phone");
        Client bob = device("bob");
        laptop.login("alice");
        phone.login("alice");
        bob.login("bob");

        Client.Response revoked = laptop.delete("/api/sessions/me/" + handleOf(phone));

        assertThat(revoked.status()).isEqualTo(204);
        assertThat(revoked.setCookies()).isEmpty();
        assertThat(phone.get("/api/session").json().get("authenticated").booleanValue()).isFalse();
        assertThat(laptop.get("/api/session").json().get("user").textValue()).isEqualTo("alice");

        for (String handle : List.of(handleOf(bob), "0".repeat(64), "not-a-handle", handleOf(laptop).toUpperCase())) {
            Client.Response response = laptop.delete("/api/sessions/me/" + handle);
            assertThat(response.status()).as(handle).isEqualTo(404);
            assertThat(response.error()).isEqualTo("not_found");
        }
        assertThat(bob.get("/api/session").json().get("user").textValue()).isEqualTo("bob");
        assertThat(device("anonymous").delete("/api/sessions/me/" + handleOf(bob)).status()).isEqualTo(401);
    }

    @Test
    void revokingMyOwnHandleIsALogoutAndClearsTheCookie() {
        Client laptop = device("laptop");
        laptop.login("alice");
        Client stolen = laptop.replay();

        Client.Response response = laptop.delete("/api/sessions/me/" + handleOf(laptop));

        assertThat(response.status()).isEqualTo(204);
        assertThat(response.setCookies()).singleElement().satisfies(c -> assertThat(c).contains("Max-Age=0"));
        assertThat(stolen.get("/api/session").json().get("authenticated").booleanValue()).isFalse();
    }

    // ---- administration ----

    @Test
    void sessionStatsAreForAdminsOnly() {
        device("bob").login("bob");
        Client admin = device("admin");
        admin.login("admin");

        Client.Response stats = admin.get("/api/admin/session-stats");

        assertThat(stats.status()).isEqualTo(200);
        assertThat(fieldNames(stats.json())).containsExactlyInAnyOrder("total", "active", "expired", "store");
        assertThat(stats.json().get("active").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(stats.json().get("total").asLong()).isGreaterThanOrEqualTo(stats.json().get("active").asLong());
        assertThat(stats.json().get("store").textValue()).isEqualTo(app.store().name());

        Client alice = device("alice");
        alice.login("alice");
        assertThat(alice.get("/api/admin/session-stats").status()).isEqualTo(403);
        assertThat(alice.get("/api/admin/session-stats").error()).isEqualTo("forbidden");
        assertThat(device("anonymous").get("/api/admin/session-stats").status()).isEqualTo(401);
        assertThat(device("anonymous").get("/api/admin/session-stats").error()).isEqualTo("unauthenticated");
    }

    @Test
    void adminsListAllSessionsAndEndAllButTheirOwn() {
        Client alice = device("alice");
        Client bob = device("bob");
        Client visitor = device("visitor");
        Client admin = device("admin");
        alice.login("alice");
        bob.login("bob");
        visitor.get("/api/session/test-session");
        admin.login("admin");

        Client.Response list = admin.get("/api/admin/sessions");

        assertThat(list.status()).isEqualTo(200);
        JsonNode sessions = list.json().get("sessions");
        assertThat(sessions).hasSize(4);
        List<String> users = new ArrayList<>();
        for (JsonNode s : sessions) {
            assertThat(fieldNames(s)).containsExactlyInAnyOrder("handle", "user", "current", "ip", "userAgent",
                    "createdAt", "lastAccessedAt", "expiresAt");
            users.add(s.get("user").isNull() ? "anonymous" : s.get("user").textValue());
        }
        assertThat(users).containsExactlyInAnyOrder("alice", "bob", "anonymous", "admin");
        assertThat(list.body()).doesNotContain("visits");

        for (Client notAdmin : List.of(alice, bob)) {
            assertThat(notAdmin.get("/api/admin/sessions").status()).isEqualTo(403);
            assertThat(notAdmin.delete("/api/admin/sessions").status()).isEqualTo(403);
        }
        assertThat(device("anonymous").delete("/api/admin/sessions").status()).isEqualTo(401);

        Client.Response ended = admin.delete("/api/admin/sessions");

        assertThat(ended.status()).isEqualTo(200);
        assertThat(ended.json()).isEqualTo(json("{\"revoked\":3}"));
        assertThat(admin.get("/api/session").json().get("user").textValue()).isEqualTo("admin");
        assertThat(alice.get("/api/session").json().get("authenticated").booleanValue()).isFalse();
        assertThat(visitor.get("/api/session").json().get("visits").asLong()).isZero();
        assertThat(admin.get("/api/admin/sessions").json().get("sessions")).hasSize(1);
    }

    // ---- cross-origin requests ----

    @Test
    void stateChangingRequestsFromAnotherOriginAreForbidden() {
        Client victim = device("victim");
        victim.login("alice");
        String own = app.base().toString();
        for (String origin : List.of("http://evil.example", "null", own.replace("127.0.0.1", "localhost"),
                own.replace("http:", "https:"), own + "1", "http://127.0.0.1")) {
            Client forged = victim.replay().origin(origin);
            for (Client.Response response : List.of(
                    forged.postJson("/api/login", "{\"username\":\"bob\",\"password\":\"bob-password\"}"),
                    forged.postForm("/api/login", "username", "bob", "password", "bob-password"),
                    forged.post("/api/login", "{\"username\":\"bob\",\"password\":\"bob-password\"}", "text/plain"),
                    forged.post("/api/logout"),
                    forged.post("/api/logout-all"),
                    forged.putJson("/api/session/prefs/theme", "\"evil\""),
                    forged.delete("/api/admin/sessions"),
                    forged.delete("/api/sessions/me/" + "0".repeat(64)))) {
                assertThat(response.status()).as(origin).isEqualTo(403);
                assertThat(response.error()).isEqualTo("cross_origin");
                assertThat(response.setCookies()).isEmpty();
            }
            assertThat(forged.get("/api/session").status()).as("a GET from %s", origin).isEqualTo(200);
        }
        assertThat(victim.get("/api/session").json().get("user").textValue()).isEqualTo("alice");
        assertThat(victim.get("/api/session").json().get("prefs")).isEqualTo(json("{}"));

        // the proxy is not trusted here, so forwarded headers cannot make a foreign origin look like ours
        Client.Response forwarded = victim.replay().origin("https://portal.example.com")
                .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "portal.example.com")
                .post("/api/logout");
        assertThat(forwarded.status()).isEqualTo(403);
        assertThat(forwarded.error()).isEqualTo("cross_origin");

        Client sameOrigin = victim.origin(own);
        assertThat(sameOrigin.putJson("/api/session/prefs/theme", "\"dark\"").status()).isEqualTo(204);
        assertThat(sameOrigin.post("/api/logout").status()).isEqualTo(204);
    }

    @Test
    void aStateChangingRequestWithoutOriginNeedsASameOriginReferer() {
        // login CSRF: a cross-site text/plain POST from a client that strips Origin
        String own = app.base().toString();
        String body = "{\"username\":\"bob\",\"password\":\"bob-password\"}";
        for (String contentType : List.of("text/plain", "application/json")) {
            Client stripped = device("privacy extension").origin(null);
            Client.Response refused = stripped.post("/api/login", body, contentType);
            assertThat(refused.status()).as(contentType).isEqualTo(403);
            assertThat(refused.error()).isEqualTo("origin_required");
            assertThat(refused.setCookies()).isEmpty();

            for (String referer : List.of("http://evil.example/login.html", own.replace("127.0.0.1", "localhost") + "/",
                    "null", "about:blank", "/relative")) {
                Client.Response forged = device("privacy extension").origin(null).header("Referer", referer)
                        .post("/api/login", body, contentType);
                assertThat(forged.status()).as("%s from %s", contentType, referer).isEqualTo(403);
                assertThat(forged.error()).isEqualTo("cross_origin");
                assertThat(forged.setCookies()).isEmpty();
            }
        }
        Client victim = device("victim");
        victim.login("alice");
        for (Client.Response response : List.of(victim.replay().origin(null).post("/api/logout"),
                victim.replay().origin(null).delete("/api/admin/sessions"),
                victim.replay().origin(null).putJson("/api/session/prefs/theme", "\"evil\""))) {
            assertThat(response.status()).isEqualTo(403);
            assertThat(response.error()).isEqualTo("origin_required");
        }
        assertThat(victim.get("/api/session").json().get("user").textValue()).isEqualTo("alice");

        Client sameOriginReferer = device("privacy extension").origin(null).header("Referer", own + "/?error=1");
        assertThat(sameOriginReferer.post("/api/login", body, "application/json").status()).isEqualTo(200);
        assertThat(sameOriginReferer.get("/api/session").json().get("user").textValue()).isEqualTo("bob");
        assertThat(sameOriginReferer.post("/api/logout").status()).isEqualTo(204);
        // a GET needs neither
        assertThat(device("curl").origin(null).get("/api/session").status()).isEqualTo(200);
    }

    @Test
    void stateChangingEndpointsAcceptOnlyJsonBodies() {
        Client device = device("api");
        String body = "{\"username\":\"alice\",\"password\":\"alice-password\"}";
        for (String contentType : List.of("text/plain", "text/plain;charset=utf-8", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "application/jsonp", "application/json-patch+json", "text/json")) {
            Client.Response refused = device.post("/api/login", body, contentType);
            assertThat(refused.status()).as(contentType).isEqualTo(415);
            assertThat(refused.error()).isEqualTo("unsupported_media_type");
            assertThat(refused.setCookies()).isEmpty();
        }
        Client.Response untyped = device.post("/api/login", body, null);
        assertThat(untyped.status()).as("a body without Content-Type").isEqualTo(415);
        assertThat(device.send("PUT", "/api/session/prefs/theme", HttpRequest.BodyPublishers.ofString("\"dark\""),
                "text/plain").status()).isEqualTo(415);
        assertThat(device.cookie()).isNull();

        assertThat(device.post("/api/login", body, "Application/JSON; charset=UTF-8").status()).isEqualTo(200);
        assertThat(device.putJson("/api/session/prefs/theme", "\"dark\"").status()).isEqualTo(204);
        assertThat(device.post("/api/logout").status()).as("no body, no Content-Type").isEqualTo(204);
    }

    @Test
    void jsonAnswersAreNeverCached() {
        Client device = device("api");
        device.login("admin");
        for (String path : List.of("/api/session", "/api/session/test-session", "/api/sessions/me",
                "/api/admin/session-stats", "/api/admin/sessions")) {
            Client.Response response = device.get(path);
            assertThat(response.status()).as(path).isEqualTo(200);
            assertThat(response.setCookies()).as(path).isEmpty(); // not merely because a cookie was set
            assertThat(response.header("Cache-Control")).as(path).hasValue("no-store");
        }
        assertThat(device.putJson("/api/session/prefs/theme", "1").header("Cache-Control")).hasValue("no-store");
        assertThat(device.get("/api/nothing-here").header("Cache-Control")).hasValue("no-store");
        // the guards' refusals too, which answer before the application does
        String body = "{\"username\":\"bob\",\"password\":\"bob-password\"}";
        Client.Response noOrigin = device("guarded").origin(null).postJson("/api/login", body);
        Client.Response crossOrigin = device("guarded").origin("http://evil.example").postJson("/api/login", body);
        Client.Response notJson = device("guarded").post("/api/login", body, "text/plain");
        assertThat(List.of(noOrigin.status(), crossOrigin.status(), notJson.status())).containsExactly(403, 403, 415);
        for (Client.Response refused : List.of(noOrigin, crossOrigin, notJson)) {
            assertThat(refused.header("Cache-Control")).as(refused.error()).hasValue("no-store");
        }
    }

    @Test
    void errorAnswersShowNoDetailOfTheFailure() throws Exception {
        Client device = device("api");
        device.login("alice");
        List<String> answers = new ArrayList<>();
        answers.add(raw("GET /api/%zz HTTP/1.1"));
        answers.add(raw("GET /api/session/prefs/%C0%AF HTTP/1.1"));
        answers.add(raw("GET /api/session HTTP/1.1\r\nX-Big: " + "x".repeat(70_000)));
        for (String value : List.of("\"\\ud800\"", "1e999999", "{\"a\":" + "9".repeat(2000) + "}", "\"\\u0000\"",
                "[" + "{\"a\":".repeat(30) + "1" + "}".repeat(30) + "]")) {
            Client.Response response = device.putJson("/api/session/prefs/odd", value);
            answers.add(response.status() + " " + response.body());
            assertThat(device.get("/api/session").status()).as(value).isEqualTo(200);
        }
        for (String answer : answers) {
            assertThat(answer).doesNotContainIgnoringCase("exception").doesNotContainIgnoringCase("jackson")
                    .doesNotContain("fasterxml").doesNotContain("org.eclipse").doesNotContain("org.apache")
                    .doesNotContain("Caused by").doesNotContain("dev.sessionkit").doesNotContain("\tat ")
                    .doesNotContain("Illegal").doesNotContain("Unexpected").doesNotContain("Numeric value");
        }
    }

    /** A raw request line and headers, for what no HTTP client would send; returns the whole answer. */
    private String raw(String requestLineAndHeaders) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket(app.base().getHost(), app.base().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((requestLineAndHeaders + "\r\nHost: " + app.base().getRawAuthority()
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (java.net.SocketException e) {
            return "connection closed"; // a server may drop a request it cannot read at all
        }
    }

    // ---- concurrency ----

    @Test
    void concurrentTestSessionRequestsLoseNoIncrement() throws Exception {
        Client device = device("api");
        device.get("/api/session/test-session");
        int requests = 40;

        runConcurrently(requests, i -> device.get("/api/session/test-session").status());

        assertThat(device.get("/api/session").json().get("visits").asLong()).isEqualTo(1 + requests);
    }

    @Test
    void concurrentPutsOfDifferentPrefsAllSurvive() throws Exception {
        Client device = device("api");
        device.login("alice");
        int prefs = 24;

        runConcurrently(prefs, i -> device.putJson("/api/session/prefs/p" + i, String.valueOf(i)).status());

        JsonNode stored = device.get("/api/session").json().get("prefs");
        assertThat(stored).hasSize(prefs);
        for (int i = 0; i < prefs; i++) {
            assertThat(stored.get("p" + i).asInt()).isEqualTo(i);
        }
    }

    // ---- the store goes away ----

    @Test
    void storeOutageAnswers503WhileHealthzStaysOk() {
        Client device = device("api");
        device.login("alice");
        device.get("/api/session/test-session");

        app.store().down();
        try {
            for (Client.Response response : List.of(device.get("/api/session"), device.get("/api/session/test-session"),
                    device.get("/"), device.postJson("/api/login", "{\"username\":\"alice\",\"password\":\"alice-password\"}"),
                    device.get("/api/sessions/me"), device.putJson("/api/session/prefs/theme", "1"),
                    device("new visitor").get("/api/session/test-session"))) {
                assertThat(response.status()).as(response.toString()).isEqualTo(503);
                assertThat(response.error()).isEqualTo("session_store_unavailable");
                assertThat(response.body()).doesNotContainIgnoringCase("exception").doesNotContain("jdbc");
            }
            assertThat(device.get("/healthz").status()).isEqualTo(200);
            assertThat(device("probe").get("/healthz").json()).isEqualTo(json("{\"status\":\"ok\"}"));
            Client.Response ready = device.get("/readyz");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.error()).isEqualTo("session_store_unavailable");
        } finally {
            app.store().up();
        }
        awaitReady();
        JsonNode session = device.get("/api/session").json();
        assertThat(session.get("user").textValue()).isEqualTo("alice");
        assertThat(session.get("visits").asLong()).isEqualTo(1);
    }

    // ---- the rest ----

    @Test
    void unknownPathsAreNotFoundAndWrongMethodsNotAllowed() {
        Client device = device("api");
        Client.Response missing = device.get("/api/nothing-here");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.error()).isEqualTo("not_found");
        assertThat(device.get("/favicon.ico").status()).isEqualTo(404);

        Client.Response wrongMethod = device.get("/api/logout");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.error()).isEqualTo("method_not_allowed");
        assertThat(device.delete("/api/session").status()).isEqualTo(405);
        assertThat(device.cookie()).isNull();
    }

    @Test
    void theSessionIdAppearsInNoBody() {
        Client device = device("api");
        List<String> bodies = new ArrayList<>();
        bodies.add(device.get("/api/session/test-session").body());
        bodies.add(device.login("admin").body());
        bodies.add(device.get("/api/session").body());
        bodies.add(device.get("/api/sessions/me").body());
        bodies.add(device.get("/api/admin/sessions").body());
        bodies.add(device.get("/").body());
        String id = device.cookieValue().split("\\.")[0];

        assertThat(id).hasSizeGreaterThanOrEqualTo(43);
        assertThat(bodies).noneMatch(body -> body.contains(id));
    }

    // ---- helpers ----

    /** A new device with its own cookie jar. */
    protected Client device(String userAgent) {
        return new Client(app.base(), userAgent);
    }

    protected RunningDemo app() {
        return app;
    }

    private String handleOf(Client device) {
        for (JsonNode s : device.get("/api/sessions/me").json().get("sessions")) {
            if (s.get("current").booleanValue()) {
                return s.get("handle").textValue();
            }
        }
        throw new AssertionError("no current session");
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (device("probe").get("/readyz").status() != 200) {
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

    private interface Request {
        int send(int index) throws Exception;
    }

    /** Sends {@code count} requests at once and checks that each succeeded. */
    private static void runConcurrently(int count, Request request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                Callable<Integer> call = () -> {
                    start.await();
                    return request.send(index);
                };
                results.add(pool.submit(call));
            }
            start.countDown();
            for (Future<Integer> result : results) {
                assertThat(result.get()).isBetween(200, 204);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static JsonNode json(String text) {
        try {
            return Client.JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
