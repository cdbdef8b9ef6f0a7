package dev.sessionkit.examples;

import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import dev.sessionkit.SessionStores;
import dev.sessionkit.examples.servlet.ServletDemo;
import dev.sessionkit.examples.spring.SpringDemo;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** One demo app started in this JVM on a free port, on a {@link TestStore}. */
interface RunningDemo extends AutoCloseable {

    /** Such as {@code http://127.0.0.1:41234}. */
    URI base();

    TestStore store();

    @Override
    void close();

    /** The plain servlet demo on Jetty, with a manager built as its {@code main} builds it. */
    static RunningDemo servlet(TestStore store, Clock clock, Map<String, String> env) throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(store.env());
        SessionSettings settings = SessionSettings.fromEnvironment(all);
        SessionStore given = store.storeFor(settings, clock);
        SessionManager manager = SessionManager.builder().settings(settings)
                .store(given != null ? given : SessionStores.open(settings, dev.sessionkit.EnvironmentVariables.of(all), clock), given == null)
                .clock(clock).build();
        ServletDemo demo = ServletDemo.start(manager, 0);
        URI base = URI.create("http://127.0.0.1:" + demo.port());
        return new RunningDemo() {
            @Override
            public URI base() {
                return base;
            }

            @Override
            public TestStore store() {
                return store;
            }

            @Override
            public void close() {
                demo.close();
                manager.close();
                store.close();
            }

            @Override
            public String toString() {
                return "servlet demo";
            }
        };
    }

    /** The WebFlux demo on Netty, configured and handed its clock and store as {@link #spring} is. */
    static RunningDemo webflux(TestStore store, Clock clock, Map<String, String> env) {
        return boot(dev.sessionkit.examples.webflux.WebFluxDemo.application(), "webflux demo", store, clock, env);
    }

    /**
     * The Spring Boot demo, configured like its {@code main} would be through the environment
     * (here as command-line properties, which win over the real environment). The test's clock,
     * and a memory store to switch off, are handed in as beans; the starter picks them up.
     */
    static RunningDemo spring(TestStore store, Clock clock, Map<String, String> env) {
        return boot(new SpringApplicationBuilder(SpringDemo.class), "spring demo", store, clock, env);
    }

    private static RunningDemo boot(SpringApplicationBuilder application, String name, TestStore store, Clock clock,
            Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(store.env());
        SessionStore given = store.storeFor(SessionSettings.fromEnvironment(all), clock);
        List<String> args = new ArrayList<>();
        all.forEach((variable, value) -> args.add("--" + variable + "=" + value));
        args.add("--server.port=0");
        ConfigurableApplicationContext context = application
                .initializers(ctx -> {
                    ctx.getBeanFactory().registerSingleton("testClock", clock);
                    if (given != null) {
                        ctx.getBeanFactory().registerSingleton("testSessionStore", given);
                    }
                })
                .run(args.toArray(String[]::new));
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        URI base = URI.create("http://127.0.0.1:" + port);
        return new RunningDemo() {
            @Override
            public URI base() {
                return base;
            }

            @Override
            public TestStore store() {
                return store;
            }

            @Override
            public void close() {
                context.close();
                store.close();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
