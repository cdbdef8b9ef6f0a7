package dev.sessionkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.testkit.redis.RedisFixture;
import org.junit.jupiter.api.Test;

/**
 * Every shape of every Redis contender once, in this JVM, on a real redis-server, so the Redis
 * benchmark cannot rot. Times nothing. The seeded count is read when the class loads, so this
 * test sets it first and runs in a JVM of its own class loading order: it is the only user.
 */
final class RedisBenchSmokeTest {

    @Test
    void everyShapeOfEveryContenderRuns() throws Exception {
        System.setProperty(RedisBenchmark.SESSIONS_PROPERTY, "100");
        System.setProperty(RedisBenchmark.URL, RedisFixture.server().url());
        assertThat(RedisBenchmark.SESSIONS).isEqualTo(100);
        for (String contender : new String[] {"sessionkit", "raw", "hset", "spring"}) {
            RedisBenchmark bench = new RedisBenchmark();
            bench.contender = contender;
            bench.open();
            try {
                assertThat(bench.readOnly()).isNotNull();
                assertThat(bench.modify()).isNotNull();
                assertThat(bench.create()).isNotNull();
                assertThat(bench.login()).isNotNull();
                assertThat(bench.listByPrincipal()).as(contender).isEqualTo(DbContender.SESSIONS_PER_PRINCIPAL);
            } finally {
                bench.close();
            }
        }
    }
}
