package dev.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.testkit.postgres.PostgresFixture;
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
        Browser browser = browser();
        Redirect toProvider = beginLogin(browser);

        restart(); // while the browser is at the provider
        finishLogin(browser, toProvider, carol);
        assertThat(sessionCookie(browser)).as("the session id rotates at login").isNotEqualTo(toProvider.sessionCookie());
        Map<String, Object> before = me(browser);
        assertShowsTheOidcUser(before, carol);

        restart();
        Map<String, Object> after = me(browser);
        assertShowsTheOidcUser(after, carol);
        assertThat(after).as("the same login, claims and ID token after the restart").isEqualTo(before);

        logout(browser);
        assertThat(manager().sessionsOf(carol.subject())).isEmpty();
        assertRedirectsToTheLoginFlow(browser.get("/me"));
    }
}
