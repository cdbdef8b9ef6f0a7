package dev.sessionkit.spring;

import static dev.sessionkit.spring.Browser.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessionkit.SessionManager;
import dev.sessionkit.spring.oidc.OidcLoginApp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * OpenID Connect login with stock Spring Security ({@link OidcLoginApp}: {@code oauth2Login()},
 * {@code logout()}) on sessionkit, against a real identity provider running in the test JVM
 * ({@code mock-oauth2-server} on a loopback port), through a real server and a {@link Browser}
 * that keeps its cookies and steps through every redirect itself: the protected page, the app's
 * authorization endpoint, the provider's authorize endpoint, the app's callback. Each subclass
 * runs it on one store.
 *
 * <p>What has to survive in the session: the {@code OAuth2AuthorizationRequest} across the trip to
 * the provider, then the {@code OAuth2AuthenticationToken} with its {@code DefaultOidcUser}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractOidcLoginTest {

    static final String REGISTRATION = OidcLoginApp.REGISTRATION;
    static final String CLIENT_ID = "sessionkit-test-client";
    static final String ISSUER_ID = "issuer1";
    /** One SESSION_SECRET for every application context of a class, as for a restarted process. */
    static final String SESSION_SECRET = "oidc-login-test-secret-0123456789abcdefghij";
    static final String AUTHENTICATION_CLASS = "org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken";
    static final String PRINCIPAL_CLASS = "org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser";
    static final String OIDC_USER_AUTHORITY_CLASS = "org.springframework.security.oauth2.core.oidc.user.OidcUserAuthority";

    private static final ObjectMapper JSON = new ObjectMapper();

    MockOAuth2Server provider;
    ConfigurableApplicationContext app;
    /**
     * One port for every application context of a class: the redirect URI in a stored authorization
     * request names it, so a restart between the redirect and the callback keeps it.
     */
    int port;

    /** The store's part of the application's configuration, as {@code --name=value} arguments. */
    abstract List<String> storeArguments();

    @BeforeAll
    void startTheProviderAndTheApplication() {
        provider = new MockOAuth2Server();
        provider.start(InetAddress.getLoopbackAddress(), 0);
        port = loopbackPortBelow32768();
        app = launch();
    }

    @AfterAll
    void stopTheApplicationAndTheProvider() {
        if (app != null) {
            app.close();
        }
        if (provider != null) {
            provider.shutdown();
        }
    }

    /** Closes the application context and starts a new one on the same port, store and secret. */
    void restart() {
        app.close();
        app = launch();
    }

    private ConfigurableApplicationContext launch() {
        List<String> arguments = new ArrayList<>(List.of(
                "--server.address=127.0.0.1",
                "--server.port=" + port,
                "--spring.main.banner-mode=off",
                "--sessionkit.secrets=" + SESSION_SECRET,
                "--spring.security.oauth2.client.registration." + REGISTRATION + ".client-id=" + CLIENT_ID,
                "--spring.security.oauth2.client.registration." + REGISTRATION + ".client-secret=client-secret",
                "--spring.security.oauth2.client.registration." + REGISTRATION + ".scope=openid,profile,email",
                "--spring.security.oauth2.client.provider." + REGISTRATION + ".issuer-uri=" + issuer()));
        arguments.addAll(storeArguments());
        return new SpringApplicationBuilder(OidcLoginApp.class).run(arguments.toArray(String[]::new));
    }

    @Test
    void loginKeepsTheAuthorizationRequestRotatesTheIdAndShowsTheOidcUser() throws Exception {
        Person alice = new Person("alice-sub", "alice@example.test", "Alice Liddell", "wonderland", List.of("admins", "staff"));
        Browser browser = browser();

        Redirect toProvider = beginLogin(browser);
        finishLogin(browser, toProvider, alice);

        assertThat(sessionCookie(browser)).as("the session id rotates at login").isNotEqualTo(toProvider.sessionCookie());
        assertShowsTheOidcUser(me(browser), alice);
        assertShowsTheOidcUser(me(browser), alice); // and on every later request
        assertThat(manager().sessionsOf(alice.subject())).as("the session's principal is the OIDC subject")
                .singleElement().satisfies(s -> assertThat(s.principal()).isEqualTo(alice.subject()));

        Browser attacker = browser();
        attacker.cookie(cookieName(), toProvider.sessionCookie());
        assertRedirectsToTheLoginFlow(attacker.get("/me")); // the pre-login id no longer works
    }

    @Test
    void logoutWithTheCsrfTokenEndsTheSession() throws Exception {
        Person bob = new Person("bob-sub", "bob@example.test", "Bob Builder", "acme", List.of("staff"));
        Browser browser = browser();
        finishLogin(browser, beginLogin(browser), bob);
        assertShowsTheOidcUser(me(browser), bob);
        String loggedIn = sessionCookie(browser);

        assertThat(browser.post("/logout", "").statusCode()).as("logout without the CSRF token").isEqualTo(403);
        assertShowsTheOidcUser(me(browser), bob);

        logout(browser);

        assertThat(manager().sessionsOf(bob.subject())).as("no live session of the user after logout").isEmpty();
        assertRedirectsToTheLoginFlow(browser.get("/me"));
        Browser replay = browser();
        replay.cookie(cookieName(), loggedIn);
        assertRedirectsToTheLoginFlow(replay.get("/me")); // the logged-out session is dead
    }

    @Test
    void publicPageNeedsNoLogin() throws Exception {
        HttpResponse<String> page = browser().get("/public");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("open");
    }

    /**
     * The first half of a login: the protected page sends the browser to the app's authorization
     * endpoint, which keeps the authorization request in the session and sends the browser on to
     * the provider.
     */
    Redirect beginLogin(Browser browser) throws IOException, InterruptedException {
        HttpResponse<String> denied = browser.get("/me");
        assertRedirectsToTheLoginFlow(denied);

        HttpResponse<String> toProvider = browser.get(location(denied));
        assertThat(toProvider.statusCode()).as("the app's authorization endpoint: %s %s", toProvider.headers().map(),
                toProvider.body()).isEqualTo(302);
        URI authorize = location(toProvider);
        assertThat(authorize.toString()).startsWith(issuer() + "/authorize?");
        assertThat(query(authorize, "state")).isNotBlank();
        assertThat(query(authorize, "nonce")).as("an OIDC request carries a nonce").isNotBlank();
        assertThat(query(authorize, "redirect_uri")).isEqualTo(app("/login/oauth2/code/" + REGISTRATION).toString());
        return new Redirect(authorize, sessionCookie(browser));
    }

    /**
     * The second half: the provider signs {@code person} in and sends the browser back to the
     * app's callback, which must find the authorization request again, log in and return to /me.
     */
    void finishLogin(Browser browser, Redirect toProvider, Person person) throws IOException, InterruptedException {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, person.subject(), "JWT", List.of(CLIENT_ID),
                person.claims(), 3600));
        HttpResponse<String> fromProvider = browser.get(toProvider.location());
        assertThat(fromProvider.statusCode()).as("the provider's answer: %s", fromProvider.body()).isEqualTo(302);
        URI callback = location(fromProvider);
        assertThat(callback.toString()).startsWith(app("/login/oauth2/code/" + REGISTRATION).toString());
        assertThat(query(callback, "state")).isEqualTo(query(toProvider.location(), "state"));
        assertThat(query(callback, "code")).isNotBlank();

        HttpResponse<String> loggedIn = browser.get(callback);
        assertThat(loggedIn.statusCode()).as("the callback: %s %s", loggedIn.headers().map(), loggedIn.body()).isEqualTo(302);
        assertThat(location(loggedIn).toString()).as("the callback found the authorization request, logged in and returned")
                .doesNotContain("error")
                .isEqualTo(app("/me?continue").toString());
    }

    void logout(Browser browser) throws IOException, InterruptedException {
        HttpResponse<String> csrf = browser.get("/csrf");
        assertThat(csrf.statusCode()).isEqualTo(200);
        HttpResponse<String> logout = browser.post("/logout", form("_csrf", csrf.body()));
        assertThat(logout.statusCode()).isEqualTo(302);
        assertThat(location(logout)).isEqualTo(app("/login?logout"));
    }

    Map<String, Object> me(Browser browser) throws IOException, InterruptedException {
        HttpResponse<String> page = browser.get("/me");
        assertThat(page.statusCode()).as("/me: %s %s", page.headers().map(), page.body()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = JSON.readValue(page.body(), Map.class);
        return fields;
    }

    void assertShowsTheOidcUser(Map<String, Object> me, Person person) {
        assertThat(me).containsEntry("authentication", AUTHENTICATION_CLASS)
                .containsEntry("principal", PRINCIPAL_CLASS)
                .containsEntry("registration", REGISTRATION)
                .containsEntry("name", person.subject())
                .containsEntry("subject", person.subject())
                .containsEntry("email", person.email())
                .containsEntry("fullName", person.fullName())
                .containsEntry("tenant", person.tenant())
                .containsEntry("groups", person.groups())
                .containsEntry("issuer", issuer())
                .containsEntry("userInfoEmail", person.email());
        Instant now = Instant.now();
        assertThat(Instant.parse((String) me.get("idTokenIssuedAt"))).isBetween(now.minus(Duration.ofMinutes(5)), now);
        assertThat(Instant.parse((String) me.get("idTokenExpiresAt"))).isAfter(now);
        assertThat(me.get("authorities")).as("what OidcUserService grants, with its own class")
                .isEqualTo(List.of("OIDC_USER " + OIDC_USER_AUTHORITY_CLASS));
    }

    void assertRedirectsToTheLoginFlow(HttpResponse<String> response) {
        assertThat(response.statusCode()).as("a protected page without a login").isEqualTo(302);
        assertThat(location(response)).isEqualTo(app("/oauth2/authorization/" + REGISTRATION));
    }

    Browser browser() {
        return new Browser(() -> port);
    }

    String sessionCookie(Browser browser) {
        return browser.cookie(cookieName()).orElseThrow(() -> new AssertionError("no session cookie"));
    }

    SessionManager manager() {
        return app.getBean(SessionManager.class);
    }

    String cookieName() {
        return manager().settings().cookieName();
    }

    String issuer() {
        return "http://127.0.0.1:" + provider.baseUrl().port() + "/" + ISSUER_ID;
    }

    URI app(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    static URI location(HttpResponse<?> response) {
        String location = response.headers().firstValue("Location").orElseThrow(() -> new AssertionError(
                "no Location in a " + response.statusCode() + " answer to " + response.request().uri()));
        return response.request().uri().resolve(location);
    }

    static String query(URI address, String name) {
        String query = address.getRawQuery();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            String[] nameAndValue = pair.split("=", 2);
            if (nameAndValue[0].equals(name)) {
                return nameAndValue.length == 1 ? "" : URLDecoder.decode(nameAndValue[1], StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** A free loopback port below the kernel's range for outgoing connections (see FACTS.md). */
    static int loopbackPortBelow32768() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
            try (ServerSocket probe = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (IOException taken) {
                // another one
            }
        }
        throw new IllegalStateException("no free loopback port between 20000 and 32000");
    }

    /** Someone the provider signs in, with the claims it puts into the ID token and the user info. */
    record Person(String subject, String email, String fullName, String tenant, List<String> groups) {

        Map<String, Object> claims() {
            return Map.of("email", email, "name", fullName, "tenant", tenant, "groups", groups);
        }
    }

    /** The app's redirect to the provider, and the session cookie the browser held then. */
    record Redirect(URI location, String sessionCookie) {
    }
}
