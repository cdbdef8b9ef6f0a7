package dev.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.testkit.Fixtures;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.redis.RedisFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the module README says about the keys: TTLs on everything, audit records, a principal
 * index that empties by itself, purges that see sessions Redis dropped, and hash slots.
 */
final class RedisLayoutTest {

    private final MutableClock clock = MutableClock.create();
    private final String prefix = "layout-" + UUID.randomUUID() + ":";
    private RedisFixture.Server server;
    private RedisSessionStore store;

    @BeforeEach
    void open() {
        server = RedisFixture.server();
        store = RedisSessionStore.builder()
                .settings(RedisStoreSettings.builder().url(server.url()).keyPrefix(prefix)
                        .auditRetention(Duration.ofDays(2)).build())
                .clock(clock).build();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private long ttlSeconds(String key) {
        return Long.parseLong(server.cli("ttl", key));
    }

    @Test
    void sessionsAndPrincipalIndexesCarryTtlsUpToTheirExpiry() {
        Instant t0 = clock.instant();
        SessionData session = Fixtures.session(t0).principal("alice").build();
        store.create(session);

        long sessionTtl = ttlSeconds(store.sessionKeyOf(session.key()));
        assertThat(sessionTtl).isBetween(Fixtures.IDLE_TIMEOUT.toSeconds(), Fixtures.IDLE_TIMEOUT.toSeconds() + 61);
        long indexTtl = ttlSeconds(store.principalIndexOf("alice"));
        assertThat(indexTtl).isBetween(Fixtures.ABSOLUTE_TTL.toSeconds(), Fixtures.ABSOLUTE_TTL.toSeconds() + 61);
    }

    @Test
    void endedSessionsStayAsAuditRecordsWithoutTheirAttributesForTheRetention() {
        Instant t0 = clock.instant();
        SessionData session = Fixtures.session(t0).principal("alice").attribute("secret", "\"x\"").build()
                .toBuilder().ip("203.0.113.9").userAgent("curl/8").build();
        store.create(session);

        assertThat(store.end(session.key(), SessionStatus.LOGGED_OUT, t0.plusSeconds(5))).isTrue();

        String key = store.sessionKeyOf(session.key());
        assertThat(server.cli("hget", key, "st")).isEqualTo("logged_out");
        assertThat(server.cli("hget", key, "lo")).isEqualTo(Long.toString(t0.plusSeconds(5).toEpochMilli() * 1000));
        assertThat(server.cli("hget", key, "ip")).isEqualTo("203.0.113.9");
        assertThat(server.cli("hget", key, "ua")).isEqualTo("curl/8");
        assertThat(server.cli("hexists", key, "a:secret")).isEqualTo("0");
        assertThat(ttlSeconds(key)).isBetween(Duration.ofDays(2).toSeconds() - 5, Duration.ofDays(2).toSeconds());
        assertThat(store.stats(t0.plusSeconds(5)).total()).as("audit records count in total").isEqualTo(1);
        assertThat(store.load(session.key(), t0.plusSeconds(5))).isEmpty();
    }

    @Test
    void purgeReportsSessionsRedisAlreadyDroppedByTtl() {
        Instant t0 = clock.instant();
        SessionData dropped = Fixtures.session(t0).build();
        SessionData live = Fixtures.session(t0).build();
        store.create(dropped);
        store.create(live);
        server.cli("del", store.sessionKeyOf(dropped.key())); // what the TTL does when it runs out

        Instant later = t0.plus(Fixtures.IDLE_TIMEOUT).plusSeconds(1);
        assertThat(store.purgeExpired(later, 100)).containsExactlyInAnyOrder(dropped.key(), live.key());
        assertThat(store.purgeExpired(later, 100)).isEmpty();
        assertThat(store.stats(later).expired()).isZero();
    }

    @Test
    void thePrincipalIndexEmptiesByItselfWhenItsSessionsPassTheirAbsoluteExpiry() {
        Instant t0 = clock.instant();
        for (int i = 0; i < 3; i++) {
            store.create(Fixtures.session(t0).principal("bob").build());
        }
        String index = store.principalIndexOf("bob");
        assertThat(server.cli("zcard", index)).isEqualTo("3");

        // no sweeper, no purge: only a read after the absolute expiry
        assertThat(store.findByPrincipal("bob", t0.plus(Fixtures.ABSOLUTE_TTL))).isEmpty();

        assertThat(server.cli("exists", index)).isEqualTo("0");
    }

    @Test
    void anIdChangeMovesTheIndexMemberAndLeavesNoTraceOfTheOldKey() {
        Instant t0 = clock.instant();
        SessionData session = Fixtures.session(t0).principal("carol").build();
        store.create(session);
        LookupKey newKey = Fixtures.newKey();

        store.changeKey(session.key(), newKey, Fixtures.delta().build(), t0.plusSeconds(1)).orElseThrow();

        assertThat(server.cli("zrange", store.principalIndexOf("carol"), "0", "-1")).isEqualTo(newKey.value());
        assertThat(server.cli("exists", store.sessionKeyOf(session.key()))).isEqualTo("0");
    }

    @Test
    void onTheClusterASessionAndItsBucketIndexesShareOneSlotAndPrincipalsHaveTheirOwn() {
        RedisFixture.Server node = RedisFixture.cluster().nodes().get(0);
        LookupKey key = Fixtures.newKey();
        String bucket = "{" + key.value().substring(0, 2) + "}";
        String sessionSlot = node.cli("cluster", "keyslot", store.sessionKeyOf(key));

        assertThat(node.cli("cluster", "keyslot", prefix + bucket + ":exp")).isEqualTo(sessionSlot);
        assertThat(node.cli("cluster", "keyslot", prefix + bucket + ":created")).isEqualTo(sessionSlot);
        assertThat(node.cli("cluster", "keyslot", prefix + bucket + ":ended")).isEqualTo(sessionSlot);
        String index = store.principalIndexOf("a}b{c");
        assertThat(node.cli("cluster", "keyslot", index))
                .isEqualTo(node.cli("cluster", "keyslot", index.replace(":idx", ":lock")));
    }
}
