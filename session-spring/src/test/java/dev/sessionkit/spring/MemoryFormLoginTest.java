package dev.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/** Form login on the in-memory store, the development default: no sessionkit configuration at all. */
// the test class path has spring-jdbc (for the PostgreSQL test); a memory application has no DataSource
@SpringBootTest(classes = FormLoginApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration")
final class MemoryFormLoginTest extends AbstractFormLoginTest {

    @Test
    void runsOnTheMemoryStore() {
        assertThat(manager.store().name()).isEqualTo("memory");
    }
}
