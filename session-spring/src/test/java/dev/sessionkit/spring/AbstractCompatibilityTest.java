package dev.sessionkit.spring;

import static dev.sessionkit.spring.Browser.csrfField;
import static dev.sessionkit.spring.Browser.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.SessionManager;
import dev.sessionkit.spring.compat.CompatApp;
import dev.sessionkit.spring.compat.LoginAudit;
import dev.sessionkit.spring.compat.SessionEvents;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An application nobody on the team wrote ({@link CompatApp}: Spring Boot, Spring Security,
 * Thymeleaf, stock APIs only) works on sessionkit exactly as on a container session: a real
 * server on a random port, driven by a browser that keeps its cookies. Each subclass runs it on one
 * store; where the store outlives the application, every scenario closes the application in its
 * middle and starts a new one over the same store and secret, and the browser's cookies go on
 * working.
 *
 * <p>One application serves all scenarios of a class (and is replaced at each restart).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractCompatibilityTest {

    private static final String REMEMBER_ME = "remember-me";
    private static final String CONTAINER_SESSION_COOKIE = "JSESSIONID";

    private ConfigurableApplicationContext app;
    private final List<Browser> browsers = new ArrayList<>();

    /** The application's properties on this store, as its README tells a user to set them. */
    abstract Map<String, Object> properties();

    /** The store's name, as {@code SessionStore.name()} gives it. */
    abstract String storeName();

    /** Whether sessions outlive the application, so that scenarios restart it in their middle. */
    abstract boolean restartsMidway();

    @BeforeAll
    void startTheApplication() {
        app = launch();
    }

    @AfterAll
    void stopTheApplication() {
        if (app != null) {
            app.close();
        }
    }

    @AfterEach
    void noResponseUsedTheContainersSession() {
        for (Browser browser : browsers) {
            assertThat(browser.cookieNamesSeen()).doesNotContain(CONTAINER_SESSION_COOKIE);
        }
        browsers.clear();
    }

    @Test
    void runsOnTheStoreItsPropertiesChoose() {
        assertThat(app.getBean(SessionManager.class).store().name()).isEqualTo(storeName());
    }

    @Test
    void flashAttributesReachTheRedirectTargetOnceAndTheSessionKeepsWorking() throws Exception {
        Browser browser = browser();
        HttpResponse<String> form = browser.get("/messages");
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(element(form.body(), "message")).isEmpty();

        HttpResponse<String> saved = browser.post("/messages", form("text", "Order 42", "_csrf", csrfField(form.body())));
        assertThat(saved.statusCode()).isEqualTo(302);
        assertThat(location(saved)).endsWith("/messages");
        assertThat(sessionCookie(browser)).isPresent();
        assertThat(browser.get("/messages/elsewhere").body()).as("a page the flash map is not for leaves it").isEqualTo("elsewhere");

        midway();

        HttpResponse<String> target = browser.get("/messages");
        assertThat(target.statusCode()).isEqualTo(200);
        assertThat(element(target.body(), "message")).hasValue("saved");
        assertThat(element(target.body(), "notice")).hasValue("INFO: Order 42");

        HttpResponse<String> again = browser.get("/messages");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(element(again.body(), "message")).as("a flash attribute is shown once").isEmpty();
        assertThat(element(again.body(), "notice")).isEmpty();

        assertThat(browser.get("/messages/elsewhere").statusCode()).isEqualTo(200);
        assertThat(browser.get("/login").statusCode()).isEqualTo(200);
        HttpResponse<String> second = browser.post("/messages", form("text", "Order 43", "_csrf", csrfField(again.body())));
        assertThat(second.statusCode()).isEqualTo(302);
        assertThat(element(browser.get("/messages").body(), "notice")).hasValue("INFO: Order 43");
    }

    @Test
    void sessionAttributesCartAccumulatesItemsUntilTheSessionStatusIsComplete() throws Exception {
        Browser browser = browser();
        HttpResponse<String> empty = browser.get("/cart");
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(items(empty.body())).isEmpty();
        String csrf = csrfField(empty.body());

        addToCart(browser, csrf, "apple", 2);
        assertThat(cart(browser)).containsExactly("apple x2", "total 2");
        addToCart(browser, csrf, "pear", 1);
        assertThat(cart(browser)).containsExactly("apple x2", "pear x1", "total 3");

        midway();

        addToCart(browser, csrf, "fig", 3);
        assertThat(cart(browser)).containsExactly("apple x2", "pear x1", "fig x3", "total 6");

        HttpResponse<String> checkout = browser.post("/cart/checkout", form("_csrf", csrf));
        assertThat(checkout.statusCode()).isEqualTo(302);
        assertThat(location(checkout)).endsWith("/cart");
        assertThat(cart(browser)).as("setComplete() ended the cart").containsExactly("total 0");

        addToCart(browser, csrf, "plum", 1);
        assertThat(cart(browser)).as("a new cart after checkout").containsExactly("plum x1", "total 1");
    }

    @Test
    void sessionScopedBeanCountsEveryRequestOfTheSession() throws Exception {
        Browser browser = browser();
        assertThat(browser.get("/visits").body()).isEqualTo("1");
        assertThat(sessionCookie(browser)).isPresent();
        assertThat(browser.get("/visits").body()).isEqualTo("2");

        midway();

        HttpResponse<String> third = browser.get("/visits");
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(third.body()).isEqualTo("3");

        Browser other = browser();
        assertThat(other.get("/visits").body()).as("another visitor has a bean of their own").isEqualTo("1");
        assertThat(browser.get("/visits").body()).isEqualTo("4");
    }

    @Test
    void formLoginKeepsTheApplicationsOwnUserDetailsUntilLogout() throws Exception {
        Browser browser = browser();
        HttpResponse<String> denied = browser.get("/profile");
        assertThat(denied.statusCode()).isEqualTo(302);
        assertThat(location(denied)).endsWith("/login");

        HttpResponse<String> loginPage = browser.get("/login");
        assertThat(loginPage.statusCode()).isEqualTo(200);
        Optional<String> anonymous = sessionCookie(browser);
        assertThat(anonymous).as("the CSRF token of the login page lives in a session").isPresent();

        HttpResponse<String> login = login(browser, "alice", csrfField(loginPage.body()), false);
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(location(login)).as("back to the page asked for").endsWith("/profile?continue");
        assertThat(sessionCookie(browser)).as("login rotates the id").isPresent().isNotEqualTo(anonymous);

        assertProfile(browser.get("/profile?continue"), "alice", "Alice Liddell", true);
        assertThat(browser.get("/auth").body()).isEqualTo("UsernamePasswordAuthenticationToken alice");

        midway();

        HttpResponse<String> profile = browser.get("/profile");
        assertProfile(profile, "alice", "Alice Liddell", true);
        assertThat(browser.get("/auth").body()).isEqualTo("UsernamePasswordAuthenticationToken alice");
        HttpResponse<String> password = browser.get("/account/password");
        assertThat(password.statusCode()).as("a form login is a full login").isEqualTo(200);
        assertThat(password.body()).isEqualTo("change the password of alice");

        HttpResponse<String> logout = browser.post("/logout", form("_csrf", csrfField(profile.body())));
        assertThat(logout.statusCode()).isEqualTo(302);
        assertThat(location(logout)).endsWith("/login?logout");
        HttpResponse<String> after = browser.get("/profile");
        assertThat(after.statusCode()).as("logged out").isEqualTo(302);
        assertThat(location(after)).endsWith("/login");
        assertThat(element(browser.get("/login?logout").body(), "signed-out")).hasValue("You have been signed out.");
    }

    @Test
    void rememberMeLoginStaysNotFullyAuthenticatedOnEveryRequest() throws Exception {
        Browser browser = browser();
        HttpResponse<String> login = login(browser, "bob", csrfField(browser.get("/login").body()), true);
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(location(login)).endsWith("/profile");
        assertThat(browser.cookie(REMEMBER_ME)).isPresent();
        browser.drop(sessionCookieName()); // the browser was closed: the session cookie is gone, remember-me stays

        int before = audit().logins().size();
        assertRememberedButNotFullyAuthenticated(browser);
        Optional<String> session = sessionCookie(browser);
        assertThat(session).as("the remember-me login is kept in a new session").isPresent();
        assertThat(audit().logins().subList(before, audit().logins().size()))
                .containsExactly("RememberMeAuthenticationToken bob");
        assertRememberedButNotFullyAuthenticated(browser);

        midway();

        int restarted = audit().logins().size();
        for (int request = 0; request < 3; request++) {
            assertRememberedButNotFullyAuthenticated(browser);
        }
        assertThat(sessionCookie(browser)).as("one session throughout").isEqualTo(session);
        assertThat(audit().logins().subList(restarted, audit().logins().size()))
                .as("the session, not the cookie again, carried the remember-me login").isEmpty();
    }

    @Test
    void sessionCreatedFiresForTheSessionTheCsrfTokenCreates() throws Exception {
        int before = app.getBean(SessionEvents.class).created().size();
        Browser browser = browser();
        assertThat(browser.get("/session").body()).as("no session yet").isEqualTo("none");

        assertThat(browser.get("/login").statusCode()).isEqualTo(200);
        assertThat(sessionCookie(browser)).isPresent();
        String id = browser.get("/session").body();
        assertThat(id).isNotEqualTo("none");
        assertThat(createdSince(before)).containsExactly(id);

        assertThat(browser.get("/login").statusCode()).isEqualTo(200);
        assertThat(browser.get("/session").body()).isEqualTo(id);
        assertThat(createdSince(before)).as("once per session").containsExactly(id);
    }

    private void assertRememberedButNotFullyAuthenticated(Browser browser) throws IOException, InterruptedException {
        assertThat(browser.get("/auth").body()).isEqualTo("RememberMeAuthenticationToken bob");
        HttpResponse<String> password = browser.get("/account/password");
        assertThat(password.statusCode()).as("fullyAuthenticated() refuses a remember-me login").isEqualTo(302);
        assertThat(location(password)).endsWith("/login");
        assertProfile(browser.get("/profile"), "bob", "Bob Dylan", false);
    }

    private static void assertProfile(HttpResponse<String> profile, String username, String displayName, boolean admin) {
        assertThat(profile.statusCode()).isEqualTo(200);
        assertThat(element(profile.body(), "username")).hasValue(username);
        assertThat(element(profile.body(), "display-name")).hasValue(displayName);
        assertThat(element(profile.body(), "admin").isPresent()).as("hasRole('ADMIN')").isEqualTo(admin);
    }

    private static HttpResponse<String> login(Browser browser, String user, String csrf, boolean rememberMe)
            throws IOException, InterruptedException {
        String fields = form("username", user, "password", CompatApp.PASSWORD, "_csrf", csrf);
        return browser.post("/login", rememberMe ? fields + "&" + form(REMEMBER_ME, "on") : fields);
    }

    private static void addToCart(Browser browser, String csrf, String product, int quantity)
            throws IOException, InterruptedException {
        HttpResponse<String> added = browser.post("/cart/items",
                form("product", product, "quantity", Integer.toString(quantity), "_csrf", csrf));
        assertThat(added.statusCode()).as("adding %s: %s", product, added.body()).isEqualTo(302);
        assertThat(location(added)).endsWith("/cart");
    }

    /** The cart page's lines and its total. */
    private static List<String> cart(Browser browser) throws IOException, InterruptedException {
        HttpResponse<String> page = browser.get("/cart");
        assertThat(page.statusCode()).isEqualTo(200);
        List<String> lines = new ArrayList<>(items(page.body()));
        lines.add("total " + element(page.body(), "total").orElseThrow());
        return lines;
    }

    private static List<String> items(String html) {
        Matcher item = Pattern.compile("<li class=\"item\">([^<]*)</li>").matcher(html);
        List<String> items = new ArrayList<>();
        while (item.find()) {
            items.add(item.group(1));
        }
        return items;
    }

    /** The text of the element with {@code id}, if the page has it. */
    private static Optional<String> element(String html, String id) {
        Matcher m = Pattern.compile("<(\\w+)[^>]*\\bid=\"" + Pattern.quote(id) + "\"[^>]*>(.*?)</\\1>", Pattern.DOTALL)
                .matcher(html);
        return m.find() ? Optional.of(m.group(2).replaceAll("<[^>]+>", "").trim()) : Optional.empty();
    }

    private static String location(HttpResponse<?> response) {
        return response.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no Location"));
    }

    private List<String> createdSince(int before) {
        List<String> created = app.getBean(SessionEvents.class).created();
        return created.subList(before, created.size());
    }

    private LoginAudit audit() {
        return app.getBean(LoginAudit.class);
    }

    private Browser browser() {
        Browser browser = new Browser(this::port);
        browsers.add(browser);
        return browser;
    }

    private Optional<String> sessionCookie(Browser browser) {
        return browser.cookie(sessionCookieName());
    }

    private String sessionCookieName() {
        return app.getBean(SessionManager.class).settings().cookieName();
    }

    private int port() {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    /** The middle of a scenario: where a store that outlives the application sees it restart. */
    private void midway() {
        if (restartsMidway()) {
            app.close();
            app = launch();
        }
    }

    private ConfigurableApplicationContext launch() {
        return new SpringApplicationBuilder(CompatApp.class)
                .properties(Map.of("server.port", "0", "spring.main.banner-mode", "off"))
                .properties(properties())
                .run();
    }
}
