package dev.sessionkit.spring;

import java.util.List;

/** Reactive form login on the memory store (no configuration: the development default). */
final class ReactiveMemoryFormLoginTest extends ReactiveFormLoginContract {

    @Override
    protected List<String> storeArguments() {
        // the test class path has spring-jdbc (for the PostgreSQL test); a memory application has no DataSource
        return List.of("--spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration");
    }
}
