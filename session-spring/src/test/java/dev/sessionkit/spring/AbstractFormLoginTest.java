package dev.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.SessionManager;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Spring Security form login on sessionkit, through a real server and a real HTTP client that
 * keeps its own cookie. Each subclass runs it on one store.
 */
abstract class AbstractFormLoginTest {

    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\"");

    @LocalServerPort
    int port;

    @Autowired
    SessionManager manager;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void loginRotatesTheCookieAndThePreLoginIdIsDead() throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get("/login");
        assertThat(page.statusCode()).isEqualTo(200);
        String before = browser.cookie;
        assertThat(before).as("the login page stores its CSRF token in a session").isNotNull();

        HttpResponse<String> login = browser.login("alice", csrfField(page.body()));
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
        assertThat(browser.cookie).isNotNull().isNotEqualTo(before);

        assertThat(browser.get("/me").body()).isEqualTo("alice");
        assertThat(browser.get("/admin-check").body()).isEqualTo("true");

        Browser attacker = new Browser();
        attacker.cookie = before;
        HttpResponse<String> fixated = attacker.get("/me");
        assertThat(fixated.statusCode()).as("the pre-login id no longer works").isEqualTo(302);
        assertThat(fixated.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
    }

    @Test
    void loginRecordsThePrincipalInTheStore() throws Exception {
        Browser browser = new Browser();
        browser.loginAs("bob");
        assertThat(manager.sessionsOf("bob")).singleElement().satisfies(s -> assertThat(s.principal()).isEqualTo("bob"));
    }

    @Test
    void logoutKillsTheSession() throws Exception {
        Browser browser = new Browser();
        browser.loginAs("carol");
        String loggedIn = browser.cookie;
        String csrf = browser.get("/csrf").body();

        HttpResponse<String> logout = browser.post("/logout", "_csrf=" + encode(csrf));
        assertThat(logout.statusCode()).isEqualTo(302);
        assertThat(logout.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login?logout"));
        assertThat(manager.sessionsOf("carol")).isEmpty();

        Browser replay = new Browser();
        replay.cookie = loggedIn;
        assertThat(replay.get("/me").statusCode()).as("the logged-out session is dead").isEqualTo(302);
    }

    @Test
    void secondLoginBeyondTheLimitEndsTheOlderSession() throws Exception {
        Browser laptop = new Browser();
        laptop.loginAs("dave");
        assertThat(laptop.get("/me").body()).isEqualTo("dave");

        Browser phone = new Browser();
        phone.loginAs("dave");
        assertThat(phone.get("/me").body()).isEqualTo("dave");

        HttpResponse<String> older = laptop.get("/me");
        assertThat(older.statusCode()).as("maximumSessions(1) ended the older session").isEqualTo(302);
        assertThat(manager.sessionsOf("dave")).hasSize(1);
    }

    @Test
    void anonymousVisitReturnsToTheRequestedPageAfterLogin() throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> denied = browser.get("/me");
        assertThat(denied.statusCode()).isEqualTo(302);
        HttpResponse<String> page = browser.get("/login");
        HttpResponse<String> login = browser.login("erin", csrfField(page.body()));
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("/me?continue"));
        assertThat(browser.get("/me?continue").body()).isEqualTo("erin");
    }

    @Test
    void loginThatSavesTheContextByHandAlsoRotatesTheId() throws Exception {
        Browser browser = new Browser();
        browser.get("/login"); // a pre-login session, as the CSRF token or request cache create one
        String before = browser.cookie;
        assertThat(before).isNotNull();

        assertThat(browser.post("/rest-login", "").body()).isEqualTo("ok");

        assertThat(browser.cookie).isNotNull().isNotEqualTo(before);
        assertThat(browser.get("/me").body()).isEqualTo("erin");
        Browser attacker = new Browser();
        attacker.cookie = before;
        assertThat(attacker.get("/me").statusCode()).as("the pre-login id no longer works").isEqualTo(302);
    }

    @Test
    void anonymousPublicPageCreatesNoSession() throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get("/public");
        assertThat(page.body()).isEqualTo("open");
        assertThat(browser.cookie).isNull();
    }

    static String csrfField(String html) {
        Matcher m = CSRF_FIELD.matcher(html);
        assertThat(m.find()).as("a CSRF field in the login page").isTrue();
        return m.group(1);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** One browser: one cookie, sent back as it was set. */
    final class Browser {

        String cookie;
        private String cookieName;

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return send(request(path).GET().build());
        }

        HttpResponse<String> post(String path, String form) throws IOException, InterruptedException {
            return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        }

        HttpResponse<String> login(String user, String csrf) throws IOException, InterruptedException {
            return post("/login", "username=" + user + "&password=" + FormLoginApp.PASSWORD + "&_csrf=" + encode(csrf));
        }

        void loginAs(String user) throws IOException, InterruptedException {
            HttpResponse<String> login = login(user, csrfField(get("/login").body()));
            assertThat(login.statusCode()).isEqualTo(302);
            assertThat(login.headers().firstValue("Location")).as("login of %s", user)
                    .hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
            HttpResponse<String> me = get("/me");
            assertThat(me.statusCode()).as("after login as %s: %s", user, me.headers().map()).isEqualTo(200);
            assertThat(me.body()).isEqualTo(user);
        }

        private HttpRequest.Builder request(String path) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
            if (cookie != null) {
                b.header("Cookie", (cookieName == null ? manager.cookiePolicy().name() : cookieName) + "=" + cookie);
            }
            return b;
        }

        private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            List<String> setCookies = response.headers().allValues("Set-Cookie");
            String name = manager.cookiePolicy().name();
            for (String header : setCookies) {
                if (header.startsWith(name + "=")) {
                    String value = header.substring(name.length() + 1).split(";", 2)[0];
                    boolean cleared = value.isEmpty() || header.contains("Max-Age=0");
                    cookie = cleared ? null : value;
                    cookieName = name;
                }
            }
            return response;
        }
    }

    static Optional<String> header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name);
    }
}
