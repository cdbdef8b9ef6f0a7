package dev.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionkit.SessionData;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.testkit.Fixtures;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.redis.RedisFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Redis down: every operation fails with StoreUnavailableException within the timeout, and the store recovers by itself. */
final class RedisOutageTest {

    private static final Instant T0 = MutableClock.DEFAULT_START;
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @Test
    void aKilledServerMakesEveryOperationUnavailableWithinTheTimeoutThenTheStoreRecovers() throws Exception {
        try (RedisFixture.Server server = RedisFixture.newServer();
                RedisSessionStore store = RedisSessionStore.builder()
                        .settings(RedisStoreSettings.builder().url(server.url()).timeout(TIMEOUT).build())
                        .clock(MutableClock.create()).build()) {
            SessionData session = Fixtures.session(T0).principal("alice").build();
            assertThat(store.create(session)).isTrue();

            server.kill();

            for (Executable operation : List.<Executable>of(
                    () -> store.load(session.key(), T0),
                    () -> store.create(Fixtures.session(T0).build()),
                    () -> store.apply(session.key(), Fixtures.delta().increment("n", 1).build(), T0),
                    () -> store.end(session.key(), SessionStatus.LOGGED_OUT, T0),
                    () -> store.findByPrincipal("alice", T0),
                    () -> store.purgeExpired(T0, 10),
                    () -> store.stats(T0),
                    store::ping)) {
                long started = System.nanoTime();
                assertThatThrownBy(operation::execute).isInstanceOf(StoreUnavailableException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT.multipliedBy(4));
            }

            server.restart();

            // Lettuce reconnects by itself; the restarted server is empty (nothing is saved)
            RedisClusterPingTest.awaitPing(store, Duration.ofSeconds(15));
            SessionData after = Fixtures.session(T0).build();
            assertThat(store.create(after)).isTrue();
            assertThat(store.load(after.key(), T0)).contains(after);
        }
    }
}
