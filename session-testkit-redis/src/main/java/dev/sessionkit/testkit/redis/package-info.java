/**
 * Real {@code redis-server} processes for tests: {@link dev.sessionkit.testkit.redis.RedisFixture}
 * starts one server or a Redis Cluster of three masters and three replicas on loopback, in
 * temporary directories, and kills them when the JVM ends. A machine without Debian's
 * {@code redis-server} package fails the test with the command that installs it.
 */
package dev.sessionkit.testkit.redis;
