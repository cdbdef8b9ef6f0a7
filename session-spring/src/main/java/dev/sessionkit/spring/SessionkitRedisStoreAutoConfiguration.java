package dev.sessionkit.spring;

import dev.sessionkit.SessionStore;
import dev.sessionkit.redis.RedisSessionStore;
import dev.sessionkit.redis.RedisStoreSettings;
import io.lettuce.core.AbstractRedisClient;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis store, when the environment selects it ({@code sessionkit.store=redis}, or
 * {@code auto} with a {@code REDIS_URL} or {@code spring.data.redis.*}).
 *
 * <p>It runs after Boot's Redis auto-configuration and, when the application has a
 * {@link LettuceConnectionFactory}, opens its one connection on that factory's Lettuce client
 * (sharing its threads and its topology view), so Redis never gets a second client. The store's
 * own client, opened from {@code REDIS_URL} or {@code SESSION_REDIS_CLUSTER_NODES}, serves an
 * application without a factory, and one whose factory is Boot's default (no
 * {@code spring.data.redis.url}, {@code host} or {@code cluster.nodes}) while {@code REDIS_URL}
 * names the server: that factory points at {@code localhost:6379}, not at the application's Redis.
 */
@AutoConfiguration(afterName = "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
        before = { SessionkitMemoryStoreAutoConfiguration.class, SessionkitAutoConfiguration.class })
@ConditionalOnClass(RedisSessionStore.class)
@Conditional(OnRedisStoreCondition.class)
public final class SessionkitRedisStoreAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SessionkitRedisStoreAutoConfiguration.class);

    /** With Spring Data Redis: the application's Lettuce client when it has one. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory",
            "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration"})
    static class WithSpringDataRedis {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(SessionStore.class)
        SessionStore sessionkitRedisStore(SessionkitProperties properties, Environment environment,
                ObjectProvider<LettuceConnectionFactory> factories, ObjectProvider<Clock> clocks) {
            LettuceConnectionFactory factory = factories.getIfUnique();
            // Boot makes a factory for localhost:6379 when nothing is configured: with REDIS_URL (or
            // seed nodes) and no spring.data.redis server, that factory is not the application's Redis
            boolean springNamesServer = StoreSelection.SPRING_REDIS.stream()
                    .anyMatch(p -> environment.getProperty(p) != null && !environment.getProperty(p).isBlank());
            RedisStoreSettings settings = settings(properties, environment);
            boolean storeNamesServer = settings.url() != null || !settings.clusterNodes().isEmpty();
            AbstractRedisClient client = factory != null && (springNamesServer || !storeNamesServer)
                    ? factory.getRequiredNativeClient() : null;
            return open(settings, environment, clocks, client);
        }
    }

    /** Without Spring Data Redis: the store's own client. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass("org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory")
    static class WithoutSpringDataRedis {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(SessionStore.class)
        SessionStore sessionkitRedisStore(SessionkitProperties properties, Environment environment,
                ObjectProvider<Clock> clocks) {
            return open(settings(properties, environment), environment, clocks, null);
        }
    }

    static RedisStoreSettings settings(SessionkitProperties properties, Environment environment) {
        return RedisStoreSettings.fromEnvironment(SettingsMapping.storeEnvironment(properties, environment));
    }

    static SessionStore open(RedisStoreSettings settings, Environment environment, ObjectProvider<Clock> clocks,
            AbstractRedisClient client) {
        RedisSessionStore.Builder builder = RedisSessionStore.builder().settings(settings).clock(Clocks.of(clocks));
        if (client != null) {
            builder.client(client);
            LOG.info("sessionkit: using the redis session store on the application's Lettuce client{}",
                    settings.url() != null ? " (REDIS_URL is not used to open a second client)" : "");
        } else {
            LOG.info("sessionkit: using the redis session store with its own client ({})",
                    StoreSelection.of(environment).reason());
        }
        return builder.build();
    }
}
