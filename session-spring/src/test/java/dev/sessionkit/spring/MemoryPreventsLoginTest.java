package dev.sessionkit.spring;

import static dev.sessionkit.spring.Browser.csrfField;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.SessionManager;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code maximumSessions(1).maxSessionsPreventsLogin(true)}, unchanged Spring Security
 * configuration: a second login is refused by Spring's own check, and logins racing past that check
 * are refused by the store, so exactly one session exists whatever the timing.
 */
@SpringBootTest(classes = FormLoginApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
                "form-login-app.prevents-login=true" })
final class MemoryPreventsLoginTest {

    @LocalServerPort
    int port;

    @Autowired
    SessionManager manager;

    private Browser browser() {
        return new Browser(() -> port);
    }

    @Test
    void aSecondLoginIsRefusedAndTheFirstSessionStays() throws Exception {
        Browser first = browser();
        AbstractFormLoginTest.loginAs(first, "heidi");

        Browser second = browser();
        HttpResponse<String> refused = second.post("/login", Browser.form("username", "heidi", "password",
                FormLoginApp.PASSWORD, "_csrf", csrfField(second.get("/login").body())));

        assertThat(refused.statusCode()).as("Spring Security's own answer to a refused login").isEqualTo(302);
        assertThat(second.get("/me").statusCode()).as("the second browser is not signed in").isEqualTo(302);
        assertThat(first.get("/me").body()).isEqualTo("heidi");
        assertThat(manager.sessionsOf("heidi")).hasSize(1);
    }

    @Test
    void parallelLoginsLeaveExactlyOneSessionAndEveryOtherLoginIsRefused() throws Exception {
        List<Browser> browsers = new java.util.ArrayList<>();
        List<HttpResponse<String>> logins = AbstractFormLoginTest.parallelLogins("grace", 8, () -> {
            Browser b = browser();
            browsers.add(b);
            return b;
        });

        assertThat(manager.sessionsOf("grace")).hasSize(1);
        long signedIn = 0;
        for (Browser b : browsers) {
            signedIn += b.get("/me").statusCode() == 200 ? 1 : 0;
        }
        assertThat(signedIn).as("browsers signed in").isEqualTo(1);
        // refused by Spring Security's own check (its redirect) or, racing past it, by the store (the filter's 403)
        assertThat(logins).allSatisfy(r -> assertThat(r.statusCode()).isIn(302, 403));
        assertThat(logins).filteredOn(r -> r.statusCode() == 403)
                .allSatisfy(r -> assertThat(r.body()).isEqualTo("{\"error\":\"session_limit_reached\"}"));
    }
}
