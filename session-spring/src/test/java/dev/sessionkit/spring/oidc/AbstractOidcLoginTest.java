package dev.sessionkit.spring.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessionkit.SessionManager;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
 * OpenID Connect login with stock Spring Security ({@code oauth2Login()}) on sessionkit, against a
 * real identity provider running in the test JVM ({@code mock-oauth2-server}), through a real
 * server and a real HTTP client that keeps its cookies and steps through every redirect itself.
 * Each subclass runs it on one store.
 *
 * <p>What has to survive in the session: the {@code OAuth2AuthorizationRequest} across the trip to
 * the provider, then the {@code OAuth2AuthenticationToken} with its {@code DefaultOidcUser}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractOidcLoginTest {

    static final String REGISTRATION = "mock";
    static final String CLIENT_ID = "sessionkit-test-client";
    static final String ISSUER_ID = "idp";
    /** The same SESSION_SECRET for every application context of a class, as for a restarted process. */
    static final String SESSION_SECRET = "oidc-login-test-secret-0123456789abcdefghij";
    static final String TOKEN_TOKEN = "org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken";
    static final String OIDC_USER = "org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser";

    private static final ObjectMapper JSON = new ObjectMapper();

    MockOAuth2Server provider;
    ConfigurableApplicationContext app;
    /** One port for every application context of a class, so a restart keeps the registered redirect URI. */
    int port;

    /** The store's part of the application's configuration, as {@code --name=value} arguments. */
    abstract List<String> storeArguments();

    @BeforeAll
    void startProviderAndApplication() {
        provider = new MockOAuth2Server();
        provider.start(InetAddress.getLoopbackAddress(), 0);
        port = loopbackPortBelow32768();
        app = startApplication();
    }

    @AfterAll
    void stopApplicationAndProvider() {
        if (app != null) {
            app.close();
        }
        if (provider != null) {
            provider.shutdown();
        }
    }

    ConfigurableApplicationContext startApplication() {
        List<String> arguments = new ArrayList<>(List.of(
                "--server.address=127.0.0.1",
                "--server.port=" + port,
                "--sessionkit.secrets=" + SESSION_SECRET,
                "--spring.security.oauth2.client.registration." + REGISTRATION + ".client-id=" + CLIENT_ID,
                "--spring.security.oauth2.client.registration." + REGISTRATION + ".client-secret=client-secret",
                "--spring.security.oauth2.client.registration." + REGISTRATION + ".scope=openid,profile,email",
                "--spring.security.oauth2.client.provider." + REGISTRATION + ".issuer-uri=" + issuer()));
        arguments.addAll(storeArguments());
        return new SpringApplicationBuilder(OidcLoginApp.class).run(arguments.toArray(String[]::new));
    }

    /** Closes the application context and starts a new one on the same port, store and secret. */
    void restartApplication() {
        app.close();
        app = startApplication();
    }

    @Test
    void loginKeepsTheAuthorizationRequestRotatesTheIdAndShowsTheOidcUser() throws Exception {
        Person alice = new Person("alice-sub", "alice@example.test", "Alice Liddell", "wonderland", List.of("admins", "staff"));
        Browser browser = new Browser();

        Redirect toProvider = beginLogin(browser);
        String preLogin = toProvider.sessionCookie();
        finishLogin(browser, toProvider, alice);

        assertThat(browser.cookie(cookieName())).as("the session id rotates at login").isNotNull().isNotEqualTo(preLogin);
        assertShowsTheOidcUser(me(browser), alice);
        assertShowsTheOidcUser(me(browser), alice); // and on every later request
        assertThat(manager().sessionsOf(alice.subject())).as("the principal index names the login")
                .singleElement().satisfies(s -> assertThat(s.principal()).isEqualTo(alice.subject()));

        Browser attacker = Browser.withCookie(app(""), cookieName(), preLogin);
        assertThat(attacker.get(app("/me")).statusCode()).as("the pre-login id no longer works").isEqualTo(302);
    }

    @Test
    void logoutWithTheCsrfTokenEndsTheSession() throws Exception {
        Person bob = new Person("bob-sub", "bob@example.test", "Bob Builder", "acme", List.of("staff"));
        Browser browser = new Browser();
        finishLogin(browser, beginLogin(browser), bob);
        assertShowsTheOidcUser(me(browser), bob);
        String loggedIn = browser.cookie(cookieName());

        assertThat(browser.post(app("/logout"), "").statusCode()).as("logout without the CSRF token").isEqualTo(403);
        assertShowsTheOidcUser(me(browser), bob);

        logout(browser);

        assertThat(manager().sessionsOf(bob.subject())).as("no live session of the user after logout").isEmpty();
        assertRedirectsToTheLoginFlow(browser.get(app("/me")));
        assertRedirectsToTheLoginFlow(Browser.withCookie(app(""), cookieName(), loggedIn).get(app("/me")));
    }

    @Test
    void aPublicPageNeedsNoLogin() throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(app("/public"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("open");
    }

    /**
     * The first half of a login: the protected page sends the browser to the app's authorization
     * endpoint, which keeps the authorization request in the session and sends the browser on to
     * the provider.
     */
    Redirect beginLogin(Browser browser) throws IOException, InterruptedException {
        HttpResponse<String> denied = browser.get(app("/me"));
        assertRedirectsToTheLoginFlow(denied);

        HttpResponse<String> toProvider = browser.get(location(denied));
        assertThat(toProvider.statusCode()).as("the app's authorization endpoint: %s", toProvider.body()).isEqualTo(302);
        URI authorize = location(toProvider);
        assertThat(authorize.toString()).startsWith(issuer() + "/authorize?");
        assertThat(query(authorize, "state")).isNotBlank();
        assertThat(query(authorize, "nonce")).as("an OIDC request carries a nonce").isNotBlank();
        String cookie = browser.cookie(cookieName());
        assertThat(cookie).as("the authorization request lives in a session").isNotNull();
        return new Redirect(authorize, cookie);
    }

    /**
     * The second half: the provider signs the person in and sends the browser back to the app's
     * callback, which must find the authorization request again, log in and return to /me.
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
        assertThat(location(loggedIn).toString()).as("the callback found the authorization request and logged in")
                .doesNotContain("error")
                .isEqualTo(app("/me?continue").toString());
    }

    void logout(Browser browser) throws IOException, InterruptedException {
        HttpResponse<String> csrf = browser.get(app("/csrf"));
        assertThat(csrf.statusCode()).isEqualTo(200);
        HttpResponse<String> logout = browser.post(app("/logout"), "_csrf=" + URLEncoder.encode(csrf.body(), StandardCharsets.UTF_8));
        assertThat(logout.statusCode()).isEqualTo(302);
        assertThat(location(logout).toString()).isEqualTo(app("/login?logout").toString());
    }

    Map<String, Object> me(Browser browser) throws IOException, InterruptedException {
        HttpResponse<String> page = browser.get(app("/me"));
        assertThat(page.statusCode()).as("/me: %s %s", page.headers().map(), page.body()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = JSON.readValue(page.body(), Map.class);
        return fields;
    }

    void assertShowsTheOidcUser(Map<String, Object> me, Person person) {
        assertThat(me).containsEntry("authentication", TOKEN_TOKEN)
                .containsEntry("principal", OIDC_USER)
                .containsEntry("registration", REGISTRATION)
                .containsEntry("name", person.subject())
                .containsEntry("subject", person.subject())
                .containsEntry("email", person.email())
                .containsEntry("fullName", person.fullName())
                .containsEntry("tenant", person.tenant())
                .containsEntry("groups", person.groups())
                .containsEntry("issuer", issuer())
                .containsEntry("userInfoEmail", person.email());
        assertThat(Instant.parse((String) me.get("idTokenIssuedAt"))).isBetween(Instant.now().minus(Duration.ofMinutes(5)), Instant.now());
        assertThat(Instant.parse((String) me.get("idTokenExpiresAt"))).isAfter(Instant.now());
        @SuppressWarnings("unchecked")
        List<String> authorities = (List<String>) me.get("authorities");
        assertThat(authorities).contains("OIDC_USER", "SCOPE_openid", "SCOPE_email", "SCOPE_profile");
    }

    void assertRedirectsToTheLoginFlow(HttpResponse<String> response) {
        assertThat(response.statusCode()).as("a protected page without a login").isEqualTo(302);
        assertThat(location(response).toString()).isEqualTo(app("/oauth2/authorization/" + REGISTRATION).toString());
    }

    SessionManager manager() {
        return app.getBean(SessionManager.class);
    }

    String cookieName() {
        return manager().cookiePolicy().name();
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

    static String query(URI uri, String name) {
        for (String pair : uri.getRawQuery() == null ? new String[0] : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals(name)) {
                return kv.length == 1 ? "" : java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** A free loopback port below the kernel's range for outgoing connections (see FACTS.md). */
    static int loopbackPortBelow32768() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
            try (ServerSocket probe = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                return candidate;
            } catch (IOException taken) {
                // try another
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

    /** The app's redirect to the provider, and the session cookie the browser had then. */
    record Redirect(URI location, String sessionCookie) {
    }

    /** One browser: a cookie jar for every host it talks to, and no redirect followed by itself. */
    static final class Browser {

        private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        private HttpClient http = client();

        static Browser withCookie(URI site, String name, String value) {
            Browser browser = new Browser();
            HttpCookie cookie = new HttpCookie(name, value);
            cookie.setPath("/");
            cookie.setVersion(0);
            browser.cookies.getCookieStore().add(site, cookie);
            return browser;
        }

        HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(URI uri, String form) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        }

        /** The value of the cookie of that name the browser holds, or null. */
        String cookie(String name) {
            return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                    .map(HttpCookie::getValue).findFirst().orElse(null);
        }

        /** New connections, the same cookies: as a browser after the server went away. */
        void reconnect() {
            http = client();
        }

        private HttpClient client() {
            return HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(5)).build();
        }
    }
}
