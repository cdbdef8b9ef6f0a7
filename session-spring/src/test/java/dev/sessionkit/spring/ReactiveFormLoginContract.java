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
    protected ConfigurableApplicationContext start() {
        List<String> args = new ArrayList<>(storeArguments());
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
