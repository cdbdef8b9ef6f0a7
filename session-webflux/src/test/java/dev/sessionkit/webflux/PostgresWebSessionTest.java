package dev.sessionkit.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import dev.sessionkit.postgres.PostgresSessionStore;
import dev.sessionkit.postgres.PostgresStoreSettings;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The WebFlux contract on PostgreSQL, on a server of its own that the outage test really stops;
 * every JDBC call runs on the bounded store scheduler, so BlockHound sees none on an event loop.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class PostgresWebSessionTest extends WebSessionContract {

    private PostgresFixture.RestartableServer server;

    @BeforeAll
    void startServer() {
        server = PostgresFixture.restartableServer();
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** The same store with its calls inline on the event loop: BlockHound catches the JDBC call. */
    @Test
    void jdbcCallsInlineOnAnEventLoopAreCaught() throws Exception {
        SessionSettings settings = SessionSettings.builder().secrets("webflux-contract-secret-0123456789-abcdefgh")
                .cookieName("sid").build();
        try (SessionManager inlineManager = SessionManager.builder().settings(settings).store(openStore(clock), true)
                .clock(clock).sweeper(false).build();
                TestApp inline = new TestApp(SessionkitWebSessionManager.builder(inlineManager).storeCallsInline().build())) {
            Browser.Response response = new Browser(inline.base()).post("/put?name=theme&value=dark");

            assertThat(response.status()).isEqualTo(500);
            assertThat(inline.unhandled).isNotEmpty().allSatisfy(e -> assertThat(e.getClass().getName())
                    .isEqualTo("reactor.blockhound.BlockingOperationError"));
        }
    }

    @Override
    protected SessionStore openStore(MutableClock clock) {
        PostgresStoreSettings settings = PostgresStoreSettings.builder().databaseUrl(server.jdbcUrl())
                .connectTimeout(Duration.ofSeconds(1)).poolSize(10).build();
        return PostgresSessionStore.builder().settings(settings).clock(clock).build();
    }

    @Override
    protected void storeDown() {
        server.stop();
    }

    @Override
    protected void storeUp() {
        server.start();
    }
}
