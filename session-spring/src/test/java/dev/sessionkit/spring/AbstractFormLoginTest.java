package dev.sessionkit.spring;

import static dev.sessionkit.spring.Browser.csrfField;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.SessionManager;
import java.io.IOException;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Spring Security form login on sessionkit, through a real server and a real HTTP client that
 * keeps its cookies. Each subclass runs it on one store.
 */
abstract class AbstractFormLoginTest {

    @LocalServerPort
    int port;

    @Autowired
    SessionManager manager;

    @Test
    void loginRotatesTheCookieAndThePreLoginIdIsDead() throws Exception {
        Browser browser = browser();
        HttpResponse<String> page = browser.get("/login");
        assertThat(page.statusCode()).isEqualTo(200);
        String before = sessionCookie(browser);
        assertThat(before).as("the login page stores its CSRF token in a session").isNotNull();

        HttpResponse<String> login = login(browser, "alice", csrfField(page.body()));
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
        assertThat(sessionCookie(browser)).isNotNull().isNotEqualTo(before);

        assertThat(browser.get("/me").body()).isEqualTo("alice");
        assertThat(browser.get("/admin-check").body()).isEqualTo("true");

        Browser attacker = browser();
        attacker.cookie(manager.settings().cookieName(), before);
        HttpResponse<String> fixated = attacker.get("/me");
        assertThat(fixated.statusCode()).as("the pre-login id no longer works").isEqualTo(302);
        assertThat(fixated.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
    }

    @Test
    void loginRecordsThePrincipalInTheStore() throws Exception {
        Browser browser = browser();
        loginAs(browser, "bob");
        assertThat(manager.sessionsOf("bob")).singleElement().satisfies(s -> assertThat(s.principal()).isEqualTo("bob"));
    }

    @Test
    void logoutKillsTheSession() throws Exception {
        Browser browser = browser();
        loginAs(browser, "carol");
        String loggedIn = sessionCookie(browser);
        String csrf = browser.get("/csrf").body();

        HttpResponse<String> logout = browser.post("/logout", Browser.form("_csrf", csrf));
        assertThat(logout.statusCode()).isEqualTo(302);
        assertThat(logout.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login?logout"));
        assertThat(manager.sessionsOf("carol")).isEmpty();

        Browser replay = browser();
        replay.cookie(manager.settings().cookieName(), loggedIn);
        assertThat(replay.get("/me").statusCode()).as("the logged-out session is dead").isEqualTo(302);
    }

    @Test
    void secondLoginBeyondTheLimitEndsTheOlderSession() throws Exception {
        Browser laptop = browser();
        loginAs(laptop, "dave");
        assertThat(laptop.get("/me").body()).isEqualTo("dave");

        Browser phone = browser();
        loginAs(phone, "dave");
        assertThat(phone.get("/me").body()).isEqualTo("dave");

        HttpResponse<String> older = laptop.get("/me");
        assertThat(older.statusCode()).as("maximumSessions(1) ended the older session").isEqualTo(302);
        assertThat(manager.sessionsOf("dave")).hasSize(1);
    }

    @Test
    void parallelLoginsOfOneUserLeaveExactlyMaximumSessions() throws Exception {
        parallelLogins("grace", 8);

        assertThat(manager.sessionsOf("grace")).as("maximumSessions(1), enforced by the store").hasSize(1);
    }

    /** {@code n} browsers that each open the login page, then all post the login form at once. */
    static java.util.List<HttpResponse<String>> parallelLogins(String user, int n, java.util.function.Supplier<Browser> browsers)
            throws Exception {
        java.util.List<Browser> clients = new java.util.ArrayList<>();
        java.util.List<String> csrfs = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            Browser b = browsers.get();
            clients.add(b);
            csrfs.add(csrfField(b.get("/login").body()));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        try {
            java.util.List<java.util.concurrent.Future<HttpResponse<String>>> posts = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                posts.add(pool.submit(() -> {
                    go.await();
                    return login(clients.get(index), user, csrfs.get(index));
                }));
            }
            go.countDown();
            java.util.List<HttpResponse<String>> responses = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<HttpResponse<String>> post : posts) {
                responses.add(post.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }

    private java.util.List<HttpResponse<String>> parallelLogins(String user, int n) throws Exception {
        return parallelLogins(user, n, this::browser);
    }

    @Test
    void anonymousVisitReturnsToTheRequestedPageAfterLogin() throws Exception {
        Browser browser = browser();
        HttpResponse<String> denied = browser.get("/me");
        assertThat(denied.statusCode()).isEqualTo(302);
        HttpResponse<String> page = browser.get("/login");
        HttpResponse<String> login = login(browser, "erin", csrfField(page.body()));
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("/me?continue"));
        assertThat(browser.get("/me?continue").body()).isEqualTo("erin");
    }

    @Test
    void loginThatSavesTheContextByHandAlsoRotatesTheId() throws Exception {
        Browser browser = browser();
        browser.get("/login"); // a pre-login session, as the CSRF token or request cache create one
        String before = sessionCookie(browser);
        assertThat(before).isNotNull();

        assertThat(browser.post("/rest-login", "").body()).isEqualTo("ok");

        assertThat(sessionCookie(browser)).isNotNull().isNotEqualTo(before);
        assertThat(browser.get("/me").body()).isEqualTo("erin");
        Browser attacker = browser();
        attacker.cookie(manager.settings().cookieName(), before);
        assertThat(attacker.get("/me").statusCode()).as("the pre-login id no longer works").isEqualTo(302);
    }

    @Test
    void anonymousPublicPageCreatesNoSession() throws Exception {
        Browser browser = browser();
        HttpResponse<String> page = browser.get("/public");
        assertThat(page.body()).isEqualTo("open");
        assertThat(sessionCookie(browser)).isNull();
    }

    Browser browser() {
        return new Browser(() -> port);
    }

    /** The session cookie the browser holds, or null. */
    private String sessionCookie(Browser browser) {
        return browser.cookie(manager.settings().cookieName()).orElse(null);
    }

    static HttpResponse<String> login(Browser browser, String user, String csrf) throws IOException, InterruptedException {
        return browser.post("/login", Browser.form("username", user, "password", FormLoginApp.PASSWORD, "_csrf", csrf));
    }

    static void loginAs(Browser browser, String user) throws IOException, InterruptedException {
        HttpResponse<String> login = login(browser, user, csrfField(browser.get("/login").body()));
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).as("login of %s", user)
                .hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
        HttpResponse<String> me = browser.get("/me");
        assertThat(me.statusCode()).as("after login as %s: %s", user, me.headers().map()).isEqualTo(200);
        assertThat(me.body()).isEqualTo(user);
    }
}
