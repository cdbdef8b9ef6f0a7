package dev.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionkit.EnvironmentVariables;
import dev.sessionkit.SessionConfigurationException;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import dev.sessionkit.SessionStores;
import dev.sessionkit.StoreContext;
import dev.sessionkit.StoreProvider;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.testkit.Fixtures;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.redis.RedisFixture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import org.junit.jupiter.api.Test;

final class RedisStoreProviderTest {

    private static final Instant T0 = MutableClock.DEFAULT_START;

    @Test
    void serviceLoaderFindsTheRedisProvider() {
        assertThat(ServiceLoader.load(StoreProvider.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(provider -> {
                    assertThat(provider).isInstanceOf(RedisStoreProvider.class);
                    assertThat(provider.name()).isEqualTo("redis");
                    assertThat(provider.settings()).isEqualTo(RedisStoreSettings.SETTINGS);
                });
        assertThat(SessionStores.find("redis")).get().isInstanceOf(RedisStoreProvider.class);
    }

    @Test
    void recognisesRedisUrlsAndClusterNodesOnly() {
        RedisStoreProvider provider = new RedisStoreProvider();

        assertThat(provider.recognises(env(Map.of("REDIS_URL", "redis://h:6379")))).contains("REDIS_URL is set");
        assertThat(provider.recognises(env(Map.of("REDIS_URL", "rediss://u:p@h:6380/2")))).isPresent();
        assertThat(provider.recognises(env(Map.of("SESSION_REDIS_CLUSTER_NODES", "h:7000"))))
                .contains("SESSION_REDIS_CLUSTER_NODES is set");
        assertThat(provider.recognises(env(Map.of("REDIS_URL", "memcached://h")))).isEmpty();
        assertThat(provider.recognises(env(Map.of("DATABASE_URL", "postgres://h/db")))).isEmpty();
        assertThat(provider.recognises(env(Map.of()))).isEmpty();
    }

    @Test
    void autoOpensTheRedisStoreForARedisUrl() {
        EnvironmentVariables env = env(Map.of("REDIS_URL", RedisFixture.server().url(),
                "SESSION_REDIS_KEY_PREFIX", "auto-" + UUID.randomUUID() + ":"));

        assertThat(SessionStores.select(SessionSettings.builder().build(), env).reason())
                .isEqualTo("SESSION_STORE=auto and REDIS_URL is set");
        try (SessionStore store = SessionStores.open(SessionSettings.builder().build(), env, Clock.systemUTC())) {
            assertThat(store.name()).isEqualTo("redis");
            store.ping();
        }
    }

    @Test
    void withOnlyTheRedisStoreOnTheClassPathAutoPicksItWhateverDatabaseUrlSays() {
        EnvironmentVariables env = env(Map.of("REDIS_URL", "redis://127.0.0.1:6379",
                "DATABASE_URL", "postgres://app:secret@db:5432/app"));

        assertThat(SessionStores.select(SessionSettings.builder().build(), env).provider())
                .isInstanceOf(RedisStoreProvider.class);
    }

    @Test
    void withoutRedisUrlAutoFallsBackAndTheNamedStoreFailsNamingRedisUrl() {
        assertThatThrownBy(() -> open(Map.of()))
                .isInstanceOfSatisfying(SessionConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("REDIS_URL"));
    }

    @Test
    void opensFromTheUrlAndKeepsSessionsInTheDatabaseItNames() {
        String prefix = "db-" + UUID.randomUUID() + ":";
        SessionData created = Fixtures.session(T0).principal("alice").attribute("a", "1").build();

        try (SessionStore store = open(Map.of("REDIS_URL", RedisFixture.server().url() + "/3",
                "SESSION_REDIS_KEY_PREFIX", prefix))) {
            assertThat(store.create(created)).isTrue();
            assertThat(store.load(created.key(), T0)).contains(created);
        }
        String key = prefix + "{" + created.key().value().substring(0, 2) + "}:s:" + created.key().value();
        assertThat(RedisFixture.server().cli("-n", "3", "exists", key)).isEqualTo("1");
        assertThat(RedisFixture.server().cli("-n", "0", "exists", key)).isEqualTo("0");
    }

    @Test
    void opensAServerThatNeedsAPasswordOnlyWithThePassword() {
        try (RedisFixture.Server server = RedisFixture.newServer()) {
            server.cli("config", "set", "requirepass", "s3cret-pw");
            try (SessionStore store = open(Map.of("REDIS_URL", "redis://:s3cret-pw@127.0.0.1:" + server.port()))) {
                store.ping();
            }
            assertThatThrownBy(() -> open(Map.of("REDIS_URL", "redis://:wrong-pw@127.0.0.1:" + server.port())))
                    .isInstanceOf(StoreUnavailableException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-pw"));
        }
    }

    @Test
    void opensTheClusterFromItsSeedNodes() {
        SessionData created = Fixtures.session(T0).attribute("a", "1").build();
        try (SessionStore store = open(Map.of("SESSION_REDIS_CLUSTER_NODES", RedisFixture.cluster().seedNodes(),
                "SESSION_REDIS_KEY_PREFIX", "seeds-" + UUID.randomUUID() + ":"))) {
            assertThat(store.create(created)).isTrue();
            assertThat(store.load(created.key(), T0)).contains(created);
        }
    }

    @Test
    void anUnreachableServerFailsAtStartWithinTheTimeout() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> open(Map.of("REDIS_URL", "redis://127.0.0.1:1", "SESSION_REDIS_TIMEOUT", "1s")))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void badSettingsFailNamingTheirVariableAndNeverShowThePassword() {
        assertSetting(Map.of("REDIS_URL", "http://user:hunter2@h"), "REDIS_URL");
        assertSetting(Map.of("REDIS_URL", "redis://user:hunter2@h:notaport"), "REDIS_URL");
        assertSetting(Map.of("REDIS_URL", "redis://:hunter2@h:6379/99"), "REDIS_URL");
        assertSetting(Map.of("SESSION_REDIS_CLUSTER_NODES", "h:7000,h"), "SESSION_REDIS_CLUSTER_NODES");
        assertSetting(Map.of("SESSION_REDIS_CLUSTER_NODES", "h:70000"), "SESSION_REDIS_CLUSTER_NODES");
        assertSetting(Map.of("REDIS_URL", "redis://h", "SESSION_REDIS_TIMEOUT", "soon"), "SESSION_REDIS_TIMEOUT");
        assertSetting(Map.of("REDIS_URL", "redis://h", "SESSION_REDIS_TIMEOUT", "0s"), "SESSION_REDIS_TIMEOUT");
        assertSetting(Map.of("REDIS_URL", "redis://h", "SESSION_REDIS_KEY_PREFIX", "a{b}"), "SESSION_REDIS_KEY_PREFIX");
        assertSetting(Map.of("REDIS_URL", "redis://h", "SESSION_REDIS_CLUSTER", "maybe"), "SESSION_REDIS_CLUSTER");
        assertSetting(Map.of("REDIS_URL", "redis://h", "SESSION_REDIS_AUDIT_RETENTION", "PT-1S"),
                "SESSION_REDIS_AUDIT_RETENTION");
        assertSetting(Map.of("REDIS_URL", "redis://h", "SESSION_REDIS_EVENTS", "sometimes"), "SESSION_REDIS_EVENTS");
    }

    @Test
    void settingsReadFromTheEnvironmentKeepTheirValuesAndHideTheUrl() {
        RedisStoreSettings settings = RedisStoreSettings.fromEnvironment(Map.of(
                "REDIS_URL", "rediss://u:hunter2@h:6380/1", "SESSION_REDIS_TIMEOUT", "750ms",
                "SESSION_REDIS_KEY_PREFIX", "app:", "SESSION_REDIS_AUDIT_RETENTION", "0s"));

        assertThat(settings.cluster()).isFalse();
        assertThat(settings.timeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(settings.keyPrefix()).isEqualTo("app:");
        assertThat(settings.auditRetention()).isZero();
        assertThat(settings.events()).as("events on by default").isTrue();
        assertThat(RedisStoreSettings.fromEnvironment(Map.of("REDIS_URL", "redis://h", "SESSION_REDIS_EVENTS", "false"))
                .events()).isFalse();
        assertThat(settings.toString()).doesNotContain("hunter2");
        assertThat(RedisStoreSettings.fromEnvironment(Map.of("SESSION_REDIS_CLUSTER_NODES", "a:1, b:2")).cluster())
                .isTrue();
    }

    private static void assertSetting(Map<String, String> variables, String variable) {
        assertThatThrownBy(() -> RedisStoreSettings.fromEnvironment(variables))
                .isInstanceOfSatisfying(SessionConfigurationException.class, e -> {
                    assertThat(e.setting()).isEqualTo(variable);
                    assertThat(e.getMessage()).contains(variable).doesNotContain("hunter2");
                });
    }

    private static EnvironmentVariables env(Map<String, String> variables) {
        return EnvironmentVariables.of(variables);
    }

    private static SessionStore open(Map<String, String> variables) {
        Map<String, String> all = new HashMap<>(variables);
        all.putIfAbsent("SESSION_REDIS_KEY_PREFIX", "open-" + UUID.randomUUID() + ":");
        return new RedisStoreProvider().open(StoreContext.of(SessionSettings.builder().build(), env(all),
                Clock.systemUTC()));
    }
}
