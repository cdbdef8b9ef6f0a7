package dev.sessionkit.spring;

import static dev.sessionkit.spring.Browser.csrfField;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.SessionManager;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reactive form login on PostgreSQL, selected by a PostgreSQL {@code spring.datasource.url}: the
 * store runs on the application's pool, its JDBC calls on the bounded store scheduler.
 */
final class ReactivePostgresFormLoginTest extends ReactiveFormLoginContract {

    private static final PostgresFixture.Database DATABASE = PostgresFixture.freshDatabase();

    @Override
    protected List<String> storeArguments() {
        return List.of("--spring.datasource.url=" + DATABASE.jdbcUrl());
    }

    @Test
    void theSignedInUserSurvivesARestartWithItsType() throws Exception {
        SessionManager manager = start().getBean(SessionManager.class);
        assertThat(manager.store().name()).isEqualTo("postgres");
        Browser browser = browser();
        assertThat(login(browser, "carol", csrfField(browser.get("/login").body())).statusCode()).isEqualTo(302);
        assertThat(browser.get("/me").body()).isEqualTo("carol");

        stop();
        start(); // another JVM would do the same: a new context over the same database and secret

        assertThat(browser.get("/me").body()).isEqualTo("carol");
        assertThat(browser.get("/principal-type").body())
                .isEqualTo("org.springframework.security.core.userdetails.User ROLE_USER");
    }
}
