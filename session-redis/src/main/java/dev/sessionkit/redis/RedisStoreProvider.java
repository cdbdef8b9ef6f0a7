package dev.sessionkit.redis;

import dev.sessionkit.EnvironmentVariables;
import dev.sessionkit.SessionStore;
import dev.sessionkit.StoreContext;
import dev.sessionkit.StoreProvider;
import dev.sessionkit.StoreSetting;
import java.util.List;
import java.util.Optional;

/**
 * The {@code redis} store provider, registered for {@link java.util.ServiceLoader}:
 * {@code SESSION_STORE=redis}, or {@code auto} with a {@code redis://} / {@code rediss://}
 * {@code REDIS_URL} or with {@code SESSION_REDIS_CLUSTER_NODES}, selects it, and it reads
 * {@link RedisStoreSettings} from the environment. With a PostgreSQL {@code DATABASE_URL} set as
 * well, {@code auto} fails and asks for {@code SESSION_STORE}: both stores claim the environment.
 * Public only because {@code ServiceLoader} needs it to be.
 */
public final class RedisStoreProvider implements StoreProvider {

    /** For {@link java.util.ServiceLoader}. */
    public RedisStoreProvider() {
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public List<StoreSetting> settings() {
        return RedisStoreSettings.SETTINGS;
    }

    /** Claims a {@code redis://} or {@code rediss://} {@code REDIS_URL}, or a list of cluster seed nodes. */
    @Override
    public Optional<String> recognises(EnvironmentVariables environment) {
        if (RedisStoreSettings.isRedisUrl(environment.get(RedisStoreSettings.REDIS_URL))) {
            return Optional.of("REDIS_URL is set");
        }
        if (environment.isSet(RedisStoreSettings.SESSION_REDIS_CLUSTER_NODES)) {
            return Optional.of("SESSION_REDIS_CLUSTER_NODES is set");
        }
        return Optional.empty();
    }

    /**
     * Opens a store with its own Lettuce client.
     *
     * @throws dev.sessionkit.SessionConfigurationException when a setting is missing or invalid
     * @throws dev.sessionkit.StoreUnavailableException when Redis cannot be reached
     */
    @Override
    public SessionStore open(StoreContext context) {
        RedisStoreSettings settings = RedisStoreSettings.fromEnvironment(context.environment());
        return RedisSessionStore.builder().settings(settings).clock(context.clock()).build();
    }
}
