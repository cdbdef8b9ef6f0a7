package dev.sessionkit.spring.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.jdbc.PostgresFixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * OpenID Connect login on PostgreSQL, with restarts: a new application context over the same
 * database, secret and port, while the browser keeps its cookie.
 */
final class OidcPostgresLoginTest extends AbstractOidcLoginTest {

    private static final PostgresFixture.Database DATABASE = PostgresFixture.freshDatabase();

    @Override
    List<String> storeArguments() {
        return List.of("--spring.datasource.url=" + DATABASE.jdbcUrl());
    }

    @Test
    void runsOnPostgres() {
        assertThat(manager().store().name()).isEqualTo("postgres");
    }

    @Test
    void aRestartDuringTheRedirectAndAfterTheLoginLosesNothing() throws Exception {
        Person carol = new Person("carol-sub", "carol@example.test", "Carol Danvers", "starforce", List.of("pilots"));
        Browser browser = new Browser();
        Redirect toProvider = beginLogin(browser);

        restartApplication(); // while the browser is at the provider
        browser.reconnect();
        finishLogin(browser, toProvider, carol);
        assertThat(browser.cookie(cookieName())).as("the session id rotates at login").isNotEqualTo(toProvider.sessionCookie());
        Map<String, Object> before = me(browser);
        assertShowsTheOidcUser(before, carol);

        restartApplication();
        browser.reconnect();
        Map<String, Object> after = me(browser);
        assertShowsTheOidcUser(after, carol);
        assertThat(after).as("the same login, claims and ID token after the restart").isEqualTo(before);

        logout(browser);
        assertThat(manager().sessionsOf(carol.subject())).isEmpty();
        assertRedirectsToTheLoginFlow(browser.get(app("/me")));
    }
}
