package dev.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.RequestInfo;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionStore;
import dev.sessionkit.redis.RedisSessionStore;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import dev.sessionkit.testkit.redis.RedisFixture;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Redis store selection, and reuse of the application's Lettuce client, against real redis-server processes. */
final class SessionkitRedisAutoConfigurationTest {

    /** A server of this class's own, so its client list holds only this test's connections. */
    private static final RedisFixture.Server SERVER = RedisFixture.newServer();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RedisAutoConfiguration.class,
                    SessionkitPostgresStoreAutoConfiguration.class, SessionkitRedisStoreAutoConfiguration.class,
                    SessionkitMemoryStoreAutoConfiguration.class, SessionkitAutoConfiguration.class));

    @AfterAll
    static void stop() {
        SERVER.close();
    }

    @Test
    void springDataRedisUrlSelectsTheRedisStoreOnTheApplicationsLettuceClient() {
        String prefix = "spring-" + UUID.randomUUID() + ":";
        runner.withPropertyValues("spring.data.redis.url=" + SERVER.url(), "spring.data.redis.client-name=app",
                "sessionkit.redis.key-prefix=" + prefix).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SessionStore.class)).isInstanceOf(RedisSessionStore.class);
                    storeOneSession(context.getBean(SessionManager.class));
                    assertThat(SERVER.cli("--scan", "--pattern", prefix + "*")).contains(":s:");
                    // every connection but redis-cli's own came from the application's client (its name)
                    List<String> clients = Arrays.stream(SERVER.cli("client", "list").split("\n"))
                            .filter(line -> !line.contains("cmd=client")).toList();
                    assertThat(clients).isNotEmpty().allSatisfy(line -> assertThat(line).contains("name=app "));
                });
    }

    @Test
    void redisUrlAloneSelectsTheRedisStoreWithItsOwnClient() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SessionkitRedisStoreAutoConfiguration.class,
                        SessionkitMemoryStoreAutoConfiguration.class, SessionkitAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
                .withPropertyValues("REDIS_URL=" + SERVER.url(), "SESSION_REDIS_KEY_PREFIX=own:")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SessionStore.class)).isInstanceOf(RedisSessionStore.class);
                    storeOneSession(context.getBean(SessionManager.class));
                });
    }

    @Test
    void theClusterIsSelectedFromSpringDataRedisClusterNodes() {
        runner.withPropertyValues("spring.data.redis.cluster.nodes=" + RedisFixture.cluster().seedNodes())
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SessionStore.class)).isInstanceOf(RedisSessionStore.class);
                    storeOneSession(context.getBean(SessionManager.class));
                });
    }

    @Test
    void redisUrlWithAPostgresDatabaseUrlFailsAskingForTheStore() {
        PostgresFixture.Database database = PostgresFixture.freshDatabase();
        try {
            runner.withPropertyValues("REDIS_URL=" + SERVER.url(), "DATABASE_URL=" + database.databaseUrl())
                    .run(context -> {
                        assertThat(context).hasFailed();
                        assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("SESSION_STORE")
                                .hasMessageContaining("redis").hasMessageContaining("postgres");
                    });
            runner.withPropertyValues("REDIS_URL=" + SERVER.url(), "DATABASE_URL=" + database.databaseUrl(),
                    "sessionkit.store=redis", "SESSION_REDIS_KEY_PREFIX=chosen:").run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context.getBean(SessionStore.class).name()).isEqualTo("redis");
                    });
        } finally {
            database.close();
        }
    }

    @Test
    void aBadRedisPropertyFailsNamingIt() {
        runner.withPropertyValues("REDIS_URL=" + SERVER.url(), "sessionkit.redis.timeout=soon").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new SessionkitFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("SESSION_REDIS_TIMEOUT");
            assertThat(analysis.getAction()).contains("sessionkit.redis.timeout");
        });
    }

    private static void storeOneSession(SessionManager manager) {
        SessionContext request = manager.resolve(RequestInfo.ofCookie(null));
        request.getOrCreate().set("cart", 1);
        assertThat(manager.commit(request).setCookie()).isPresent();
    }
}
