package dev.sessionkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.testkit.postgres.PostgresFixture;
import dev.sessionkit.testkit.redis.RedisFixture;
import java.io.IOException;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shaded demo jars as the README runs them ({@code java -jar session-examples/target/…}), in
 * a process of their own, switched to PostgreSQL by {@code DATABASE_URL} and to Redis by
 * {@code REDIS_URL}: each starts, says which store it uses, and keeps a visit counter across
 * requests. Runs in the {@code integration-test} phase, after {@code package} has built the jars
 * (a jar missing a class the store needs fails here, not in a user's hands).
 */
@Timeout(180)
final class DemoJarTest {

    private static PostgresFixture.Database database;
    private static RedisFixture.Server redis;

    @BeforeAll
    static void start() {
        database = PostgresFixture.freshDatabase();
        redis = RedisFixture.newServer();
    }

    @AfterAll
    static void stop() {
        database.close();
        redis.close();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
        "sessionkit-demo-servlet.jar, postgres, /api/session/test-session, '{\"visits\":1}', '{\"visits\":2}'",
        "sessionkit-demo-servlet.jar, redis, /api/session/test-session, '{\"visits\":1}', '{\"visits\":2}'",
        "sessionkit-demo-minimal.jar, postgres, /, 'visits: 1', 'visits: 2'",
        "sessionkit-demo-minimal.jar, redis, /, 'visits: 1', 'visits: 2'",
        "sessionkit-demo-spring.jar, postgres, /api/session/test-session, '{\"visits\":1}', '{\"visits\":2}'",
        "sessionkit-demo-spring.jar, redis, /api/session/test-session, '{\"visits\":1}', '{\"visits\":2}'",
        "sessionkit-demo-webflux.jar, postgres, /api/session/test-session, '{\"visits\":1}', '{\"visits\":2}'",
        "sessionkit-demo-webflux.jar, redis, /api/session/test-session, '{\"visits\":1}', '{\"visits\":2}'",
    })
    void theJarRunsOnTheStoreItsEnvironmentNames(String jar, String store, String path, String first, String second)
            throws Exception {
        int port = freePort();
        Map<String, String> env = store.equals("postgres")
                ? Map.of("DATABASE_URL", database.jdbcUrl())
                : Map.of("REDIS_URL", "redis://127.0.0.1:" + redis.port() + "/0");
        Path log = Files.createTempFile("demo-" + store, ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", jar).toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().putAll(env);
        Process demo = builder.start();
        try {
            HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
                    .connectTimeout(Duration.ofSeconds(2)).build();
            URI base = URI.create("http://127.0.0.1:" + port);
            awaitHealthy(client, base, demo, log);
            assertThat(Files.readString(log)).as("start-up log").contains("using the " + store + " session store");
            assertThat(get(client, base.resolve(path))).isEqualTo(first);
            assertThat(get(client, base.resolve(path))).isEqualTo(second);
        } finally {
            demo.destroy();
            if (!demo.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                demo.destroyForcibly();
            }
        }
    }

    private static void awaitHealthy(HttpClient client, URI base, Process demo, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!demo.isAlive()) {
                throw new AssertionError("the demo exited with " + demo.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (client.send(HttpRequest.newBuilder(base.resolve("/healthz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the demo did not answer /healthz within 60 s:\n" + Files.readString(log));
    }

    private static String get(HttpClient client, URI uri) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", uri).isEqualTo(200);
        return response.body().trim();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
