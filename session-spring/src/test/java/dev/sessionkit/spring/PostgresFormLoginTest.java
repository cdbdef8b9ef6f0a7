package dev.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.testkit.postgres.PostgresFixture;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Form login on PostgreSQL, selected by nothing but a PostgreSQL {@code spring.datasource.url}:
 * the store runs on the application's own pool.
 */
@SpringBootTest(classes = FormLoginApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
final class PostgresFormLoginTest extends AbstractFormLoginTest {

    private static final PostgresFixture.Database DATABASE = PostgresFixture.freshDatabase();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DATABASE::jdbcUrl);
    }

    @Autowired
    DataSource dataSource;

    @Test
    void runsOnPostgresWithTheApplicationsPool() throws Exception {
        assertThat(manager.store().name()).isEqualTo("postgres");
        Browser browser = browser();
        loginAs(browser, "frank");
        try (var connection = dataSource.getConnection();
                var statement = connection.createStatement();
                var rows = statement.executeQuery("select count(*) from sessions where principal = 'frank'")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(1);
        }
    }
}
