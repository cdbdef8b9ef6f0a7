package dev.sessionkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionkit.SessionData;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.testkit.Fixtures;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A database that goes away: fast StoreUnavailableException, then recovery without a restart of the store. */
final class OutageTest {

    private static final Instant T0 = MutableClock.DEFAULT_START;

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final long FAST_MILLIS = 3_000;

    @Test
    @Timeout(180)
    void storeFailsFastWhileTheDatabaseIsDownAndRecoversWhenItReturns() throws Exception {
        try (PostgresFixture.RestartableServer server = PostgresFixture.restartableServer()) {
            PostgresStoreSettings settings = PostgresStoreSettings.builder().databaseUrl(server.jdbcUrl())
                    .connectTimeout(CONNECT_TIMEOUT).poolSize(4).build();
            try (PostgresSessionStore store = PostgresSessionStore.builder().settings(settings).build()) {
                SessionData created = Fixtures.session(T0).attribute("a", "1").build();
                store.create(created);
                assertThat(store.load(created.key(), T0)).contains(created);

                server.stop();

                for (int attempt = 0; attempt < 3; attempt++) {
                    long start = System.nanoTime();
                    assertThatThrownBy(() -> store.load(created.key(), T0))
                            .isInstanceOfSatisfying(StoreUnavailableException.class,
                                    e -> assertThat(e.operation()).isEqualTo("load"));
                    assertThat(millisSince(start)).as("failure #%d took too long", attempt).isLessThan(FAST_MILLIS);
                }
                long start = System.nanoTime();
                assertThatThrownBy(() -> store.apply(created.key(), Fixtures.delta().increment("n", 1).build(), T0))
                        .isInstanceOfSatisfying(StoreUnavailableException.class,
                                e -> assertThat(e.operation()).isEqualTo("apply"));
                assertThat(millisSince(start)).isLessThan(FAST_MILLIS);

                server.start();

                assertThat(loadWithin(store, created, Duration.ofSeconds(30))).contains(created);
                assertThat(store.apply(created.key(), Fixtures.delta().increment("n", 1).build(), T0)).isPresent();
            }
        }
    }

    @Test
    @Timeout(60)
    void openingAgainstAnUnreachableDatabaseFailsWithinTheConnectTimeout() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        dev.sessionkit.StoreContext context = dev.sessionkit.StoreContext.of(dev.sessionkit.SessionSettings.builder().build(),
                dev.sessionkit.EnvironmentVariables.of(Map.of(
                        PostgresStoreSettings.DATABASE_URL, "postgres://nobody:secret@127.0.0.1:" + closedPort + "/nothing",
                        PostgresStoreSettings.SESSION_DB_CONNECT_TIMEOUT, CONNECT_TIMEOUT.toMillis() + "ms")),
                java.time.Clock.systemUTC());

        long start = System.nanoTime();
        assertThatThrownBy(() -> new PostgresStoreProvider().open(context))
                .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
                    assertThat(e.operation()).isEqualTo("open");
                    assertThat(e.getMessage()).doesNotContain("secret");
                });
        assertThat(millisSince(start)).isLessThan(FAST_MILLIS);
    }

    private static Optional<SessionData> loadWithin(PostgresSessionStore store, SessionData session, Duration wait)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                return store.load(session.key(), T0);
            } catch (StoreUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
