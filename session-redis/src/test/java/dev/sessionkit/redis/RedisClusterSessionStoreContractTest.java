package dev.sessionkit.redis;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionStore;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.SessionStoreContract;
import dev.sessionkit.testkit.redis.RedisFixture;
import java.util.UUID;

/**
 * The store contract suite against a real Redis Cluster of three masters and three replicas,
 * each test with a fresh key prefix and a store opened from settings as an application's would
 * be (its own cluster client, the seed nodes given).
 */
final class RedisClusterSessionStoreContractTest extends SessionStoreContract {

    @Override
    protected SessionStore newStore(MutableClock clock) {
        RedisStoreSettings settings = RedisStoreSettings.builder()
                .clusterNodes(java.util.List.of(RedisFixture.cluster().seedNodes().split(",")))
                .keyPrefix("contract-" + UUID.randomUUID() + ":")
                .build();
        return RedisSessionStore.builder().settings(settings).clock(clock).build();
    }

    @Override
    protected void corrupt(SessionStore store, LookupKey key) {
        ((RedisSessionStore) store).corrupt(key, "c", "[1, 2, 3]");
    }
}
