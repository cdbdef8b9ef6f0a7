package dev.sessionkit.spring;

import static dev.sessionkit.spring.Browser.csrfField;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.SessionManager;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.blockhound.BlockHound;

/**
 * Spring Security WebFlux form login on sessionkit, through a real Netty server and a real HTTP
 * client that keeps its cookies, with BlockHound installed: a blocking call on an event loop fails
 * the request. These tests run in a JVM of their own (the {@code reactive} surefire execution), so
 * BlockHound watches no other test's threads. Each subclass runs them on one store.
 */
@Timeout(180)
abstract class ReactiveFormLoginContract {

    static final String SECRET = "reactive-form-login-secret-0123456789-abcdef";

    private final List<ConfigurableApplicationContext> apps = new ArrayList<>();
    private volatile int port;

    @BeforeAll
    static void blockHound() {
        BlockHound.install();
    }

    /** Properties that select the store. */
    protected abstract List<String> storeArguments();

    /** Starts the application (again), on a new port. */
    protected ConfigurableApplicationContext start(String... extraArguments) {
        List<String> args = new ArrayList<>(storeArguments());
        args.addAll(List.of(extraArguments));
        args.add("--server.port=0");
        args.add("--SESSION_SECRET=" + SECRET);
        ConfigurableApplicationContext context = ReactiveFormLoginApp.application().run(args.toArray(String[]::new));
        apps.add(context);
        port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return context;
    }

    @AfterEach
    void stop() {
        apps.forEach(ConfigurableApplicationContext::close);
        apps.clear();
    }

    protected Browser browser() {
        return new Browser(() -> port);
    }

    @Test
    void loginRotatesTheIdThePreLoginCookieIsDeadAndThePrincipalKeepsItsType() throws Exception {
        SessionManager manager = start().getBean(SessionManager.class);
        String cookieName = manager.settings().cookieName();
        Browser browser = browser();
        HttpResponse<String> page = browser.get("/login");
        assertThat(page.statusCode()).isEqualTo(200);
        String before = browser.cookie(cookieName).orElse(null);
        assertThat(before).as("the login page keeps its CSRF token in the session").isNotNull();

        HttpResponse<String> login = login(browser, "alice", csrfField(page.body()));
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
        assertThat(login.headers().firstValue("Cache-Control")).hasValueSatisfying(c -> assertThat(c).contains("no-store"));
        assertThat(browser.cookie(cookieName)).isPresent().get().isNotEqualTo(before);

        assertThat(browser.get("/me").body()).isEqualTo("alice");
        assertThat(browser.get("/principal-type").body())
                .isEqualTo("org.springframework.security.core.userdetails.User ROLE_USER");

        Browser attacker = browser();
        attacker.cookie(cookieName, before);
        HttpResponse<String> fixated = attacker.get("/me");
        assertThat(fixated.statusCode()).as("the pre-login id no longer works").isEqualTo(302);
        assertThat(fixated.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
    }

    @Test
    void csrfIsEnforcedAndLogoutEndsTheSession() throws Exception {
        SessionManager manager = start().getBean(SessionManager.class);
        String cookieName = manager.settings().cookieName();
        Browser browser = browser();
        assertThat(login(browser, "bob", csrfField(browser.get("/login").body())).statusCode()).isEqualTo(302);
        String loggedIn = browser.cookie(cookieName).orElseThrow();

        HttpResponse<String> forged = browser.post("/logout", "");
        assertThat(forged.statusCode()).as("a logout without the CSRF token").isEqualTo(403);
        HttpResponse<String> wrongToken = browser.post("/logout", Browser.form("_csrf", "not-the-token"));
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        assertThat(browser.get("/me").body()).as("still signed in").isEqualTo("bob");

        String csrf = browser.get("/csrf").body();
        HttpResponse<String> logout = browser.post("/logout", Browser.form("_csrf", csrf));
        assertThat(logout.statusCode()).isEqualTo(302);
        assertThat(logout.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login?logout"));
        assertThat(logout.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith(cookieName + "=")
                .contains("Max-Age=0"));

        Browser replay = browser();
        replay.cookie(cookieName, loggedIn);
        assertThat(replay.get("/me").statusCode()).as("the logged-out session is dead").isEqualTo(302);
    }

    @Test
    void aReactiveLoginIsTheSessionsPrincipalSoSignOutEverywhereReachesIt() throws Exception {
        SessionManager manager = start().getBean(SessionManager.class);
        manager.revokeAll("carol", dev.sessionkit.SessionStatus.REVOKED); // a durable store keeps earlier tests' logins
        String cookieName = manager.settings().cookieName();
        Browser laptop = browser();
        Browser phone = browser();
        assertThat(login(laptop, "carol", csrfField(laptop.get("/login").body())).statusCode()).isEqualTo(302);
        assertThat(login(phone, "carol", csrfField(phone.get("/login").body())).statusCode()).isEqualTo(302);
        assertThat(manager.sessionsOf("carol")).as("both reactive logins are in the principal index").hasSize(2)
                .allSatisfy(s -> assertThat(s.principal()).isEqualTo("carol"));

        String csrf = phone.get("/csrf").body();
        assertThat(phone.post("/logout", Browser.form("_csrf", csrf)).statusCode()).isEqualTo(302);
        assertThat(manager.sessionsOf("carol")).as("the logout left the index").hasSize(1);

        assertThat(manager.revokeAll("carol", dev.sessionkit.SessionStatus.REVOKED)).isEqualTo(1);
        String revoked = laptop.cookie(cookieName).orElseThrow();
        HttpResponse<String> after = laptop.get("/me");
        assertThat(after.statusCode()).as("sign out everywhere ended the reactive login").isEqualTo(302);
        assertThat(after.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
        Browser replay = browser();
        replay.cookie(cookieName, revoked);
        assertThat(replay.get("/me").statusCode()).isEqualTo(302);
    }

    @Test
    void aStoredContextWhoseUserIsNoLongerTheSessionsPrincipalSignsNoOneIn() throws Exception {
        SessionManager manager = start().getBean(SessionManager.class);
        manager.revokeAll("erin", dev.sessionkit.SessionStatus.REVOKED);
        manager.revokeAll("mallory", dev.sessionkit.SessionStatus.REVOKED);
        Browser cleared = browser();
        assertThat(login(cleared, "erin", csrfField(cleared.get("/login").body())).statusCode()).isEqualTo(302);
        assertThat(cleared.get("/me").body()).isEqualTo("erin");
        assertThat(cleared.get("/public/attributes").body()).as("signed in: the context is an attribute")
                .contains("SPRING_SECURITY_CONTEXT").endsWith(" true true");
        assertThat(cleared.get("/core-principal?name=").body()).isEqualTo("ok");
        String attributes = cleared.get("/public/attributes").body();
        assertThat(attributes).as("the hidden context is hidden everywhere in the map").doesNotContain("SPRING_SECURITY_CONTEXT")
                .endsWith(" false true");
        int shown = attributes.substring(1, attributes.indexOf(']')).isBlank() ? 0
                : attributes.substring(1, attributes.indexOf(']')).split(", ").length;
        assertThat(attributes).as("size agrees with the names").contains("] " + shown + " ");
        HttpResponse<String> afterClear = cleared.get("/me");
        assertThat(afterClear.statusCode()).as("the principal was cleared through the core API").isEqualTo(302);
        assertThat(afterClear.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));

        Browser changed = browser();
        assertThat(login(changed, "erin", csrfField(changed.get("/login").body())).statusCode()).isEqualTo(302);
        assertThat(changed.get("/core-principal?name=mallory").body()).isEqualTo("ok");
        assertThat(manager.sessionsOf("mallory")).as("the core API's principal is the stored one").hasSize(1);
        HttpResponse<String> afterChange = changed.get("/me");
        assertThat(afterChange.statusCode()).as("erin's context does not sign in mallory's session").isEqualTo(302);
        assertThat(afterChange.body()).doesNotContain("erin");
    }

    @Test
    void thePerUserLimitHoldsForReactiveLogins() throws Exception {
        SessionManager manager = start("--sessionkit.max-sessions-per-user=1").getBean(SessionManager.class);
        manager.revokeAll("dave", dev.sessionkit.SessionStatus.REVOKED);
        Browser first = browser();
        Browser second = browser();
        HttpResponse<String> firstLogin = login(first, "dave", csrfField(first.get("/login").body()));
        assertThat(firstLogin.statusCode()).isEqualTo(302);
        assertThat(firstLogin.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
        assertThat(manager.sessionsOf("dave")).as("the first login").hasSize(1);
        assertThat(login(second, "dave", csrfField(second.get("/login").body())).statusCode()).isEqualTo(302);

        assertThat(manager.sessionsOf("dave")).as("the newer login replaced the older").hasSize(1);
        assertThat(second.get("/me").body()).isEqualTo("dave");
        assertThat(first.get("/me").statusCode()).as("the replaced session is dead").isEqualTo(302);
    }

    @Test
    void aRefusedReactiveLoginAnswers403AndKeepsTheExistingSession() throws Exception {
        SessionManager manager = start("--sessionkit.max-sessions-per-user=1",
                "--sessionkit.max-sessions-per-user-mode=refuse_new").getBean(SessionManager.class);
        manager.revokeAll("erin", dev.sessionkit.SessionStatus.REVOKED);
        String cookieName = manager.settings().cookieName();
        Browser first = browser();
        Browser second = browser();
        HttpResponse<String> firstLogin = login(first, "erin", csrfField(first.get("/login").body()));
        assertThat(firstLogin.statusCode()).isEqualTo(302);
        assertThat(firstLogin.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));

        HttpResponse<String> refused = login(second, "erin", csrfField(second.get("/login").body()));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("session_limit_reached").doesNotContain("Exception");
        assertThat(refused.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith(cookieName + "=")
                .contains("Max-Age=0"));
        assertThat(manager.sessionsOf("erin")).hasSize(1);
        assertThat(first.get("/me").body()).as("the existing session stays").isEqualTo("erin");
        assertThat(second.get("/me").statusCode()).as("the refused one is not signed in").isEqualTo(302);
    }

    @Test
    void blockHoundIsWatching() {
        reactor.core.publisher.Mono<Integer> blocking = reactor.core.publisher.Mono.fromCallable(() -> {
            Thread.sleep(1);
            return 1;
        }).subscribeOn(reactor.core.scheduler.Schedulers.parallel());

        org.assertj.core.api.Assertions.assertThatThrownBy(blocking::block)
                .hasRootCauseInstanceOf(reactor.blockhound.BlockingOperationError.class);
    }

    @Test
    void aPublicPageCreatesNoSession() throws Exception {
        SessionManager manager = start().getBean(SessionManager.class);
        Browser browser = browser();

        assertThat(browser.get("/public").body()).isEqualTo("open");
        assertThat(browser.cookie(manager.settings().cookieName())).isEmpty();
    }

    static HttpResponse<String> login(Browser browser, String user, String csrf) throws Exception {
        return browser.post("/login", Browser.form("username", user, "password", ReactiveFormLoginApp.PASSWORD, "_csrf", csrf));
    }
}
