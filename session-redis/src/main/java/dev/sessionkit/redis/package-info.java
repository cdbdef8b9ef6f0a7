/**
 * The Redis session store: {@link dev.sessionkit.redis.RedisSessionStore}, on one Redis server or
 * a Redis Cluster, opened by {@link dev.sessionkit.redis.RedisStoreProvider} with
 * {@code SESSION_STORE=redis} and configured by {@link dev.sessionkit.redis.RedisStoreSettings}.
 */
package dev.sessionkit.redis;
