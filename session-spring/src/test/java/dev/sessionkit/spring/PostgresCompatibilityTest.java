package dev.sessionkit.spring;

import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.util.Map;

/**
 * The compatibility suite on PostgreSQL, chosen by the application's {@code spring.datasource.url},
 * with the one secret the README asks for: every scenario restarts the application in its middle
 * (a new context over the same database and secret) and the browser's cookies keep working.
 */
final class PostgresCompatibilityTest extends AbstractCompatibilityTest {

    private static final PostgresFixture.Database DATABASE = PostgresFixture.freshDatabase();
    private static final String SECRET = "compatibility-suite-secret-0123456789abcdef";

    @Override
    Map<String, Object> properties() {
        return Map.of("spring.datasource.url", DATABASE.jdbcUrl(), "sessionkit.secrets", SECRET);
    }

    @Override
    String storeName() {
        return "postgres";
    }

    @Override
    boolean restartsMidway() {
        return true;
    }
}
