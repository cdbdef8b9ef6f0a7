package dev.sessionkit.spring;

import java.util.Map;

/**
 * The compatibility suite on the in-memory store, the development default: no sessionkit setting
 * at all, so nothing restarts (memory sessions do not outlive the application).
 */
final class MemoryCompatibilityTest extends AbstractCompatibilityTest {

    @Override
    Map<String, Object> properties() {
        // the test class path has spring-jdbc (for the PostgreSQL suite); a memory application has no DataSource
        return Map.of("spring.autoconfigure.exclude", "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration");
    }

    @Override
    String storeName() {
        return "memory";
    }

    @Override
    boolean restartsMidway() {
        return false;
    }
}
