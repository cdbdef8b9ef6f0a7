package dev.sessionkit.redis;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionStore;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.SessionStoreContract;
import dev.sessionkit.testkit.redis.RedisFixture;
import io.lettuce.core.RedisClient;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract suite against one real {@code redis-server}. Each test gets a fresh key
 * prefix, so it starts empty; the stores share one Lettuce client, as stores handed an
 * application's client do.
 */
final class RedisSessionStoreContractTest extends SessionStoreContract {

    private static RedisClient client;

    @BeforeAll
    static void startClient() {
        client = RedisClient.create(RedisFixture.server().url());
    }

    @AfterAll
    static void stopClient() {
        client.shutdown();
    }

    @Override
    protected SessionStore newStore(MutableClock clock) {
        RedisStoreSettings settings = RedisStoreSettings.builder()
                .keyPrefix("contract-" + UUID.randomUUID() + ":")
                .build();
        return RedisSessionStore.builder().settings(settings).client(client).clock(clock).build();
    }

    /** A creation time that is a JSON array, not a number: the session cannot be read. */
    @Override
    protected void corrupt(SessionStore store, LookupKey key) {
        ((RedisSessionStore) store).corrupt(key, "c", "[1, 2, 3]");
    }
}
