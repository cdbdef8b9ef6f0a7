package dev.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.redis.RedisFixture;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * On a Redis Cluster, {@code ping} answers only when every master does: a readiness probe built on it
 * must not say ready while the sessions of one master's slots cannot be served.
 */
final class RedisClusterPingTest {

    @Test
    void pingFailsWhileAnyOneMasterDoesNotAnswerAndPassesAgainWhenItDoes() {
        RedisFixture.Cluster cluster = RedisFixture.cluster();
        RedisStoreSettings settings = RedisStoreSettings.builder()
                .clusterNodes(List.of(cluster.seedNodes().split(",")))
                .keyPrefix("ping-" + UUID.randomUUID() + ":")
                .timeout(Duration.ofMillis(500))
                .build();
        try (RedisSessionStore store = RedisSessionStore.builder().settings(settings).clock(MutableClock.create()).build()) {
            store.ping();
            List<RedisFixture.Server> masters = cluster.masters();
            assertThat(masters).hasSize(3);
            for (RedisFixture.Server master : masters) {
                // a paused master keeps its place in the cluster (no failover) but answers no client,
                // not even a CLIENT UNPAUSE: the pause ends by itself
                master.cli("client", "pause", "1500", "ALL");
                assertThatThrownBy(store::ping).as("ping while %s is paused", master)
                        .isInstanceOf(StoreUnavailableException.class);
                awaitPing(store, Duration.ofSeconds(10));
            }
        }
    }

    /** Pings until the store answers, failing the test after {@code within}; the other Redis tests wait with it too. */
    static void awaitPing(RedisSessionStore store, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                store.ping();
                return;
            } catch (StoreUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("ping did not answer within " + within, e);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", interrupted);
                }
            }
        }
    }
}
