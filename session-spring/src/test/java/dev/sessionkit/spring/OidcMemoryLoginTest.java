package dev.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenID Connect login on the in-memory store, the development default. */
final class OidcMemoryLoginTest extends AbstractOidcLoginTest {

    @Override
    List<String> storeArguments() {
        // the test class path has spring-jdbc (for the PostgreSQL tests); a memory application has no DataSource
        return List.of("--spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration");
    }

    @Test
    void runsOnTheMemoryStore() {
        assertThat(manager().store().name()).isEqualTo("memory");
    }
}
