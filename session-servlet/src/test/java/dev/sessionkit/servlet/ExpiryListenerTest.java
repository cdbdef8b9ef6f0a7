package dev.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.memory.CaffeineSessionStore;
import dev.sessionkit.memory.MemoryStoreSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a new user tries first: a 3-second session on the memory store, nothing configured but the
 * TTL, and an {@code HttpSessionListener} that waits for {@code sessionDestroyed} — which arrives
 * a few seconds after the expiry, from the sweeper, as a container's own expiry would.
 */
final class ExpiryListenerTest {

    @Test
    @Timeout(60)
    void anExpiredSessionIsDestroyedSoonAfterItsTtlWithDefaultSettings() throws Exception {
        SessionSettings settings = SessionSettings.builder().secrets("servlet-tests-secret-0123456789-abcdefghij")
                .ttl(Duration.ofSeconds(3)).build();
        ClusterSessionListenerTest.Destroyed destroyed = new ClusterSessionListenerTest.Destroyed();
        try (CaffeineSessionStore store = CaffeineSessionStore.create(MemoryStoreSettings.defaults(), java.time.Clock.systemUTC());
                SessionManager manager = SessionManager.builder().settings(settings).store(store).build();
                ServletContainer container = ServletContainer.tomcat()) {
            SessionFilter filter = SessionFilter.builder(manager).listener(destroyed).build();
            URI base = container.start(new TestServlet(), context -> SessionFilter.register(context, filter));
            HttpResponse<String> signin = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(base.resolve("/app/signin?user=alice")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String handle = manager.sessionsOf("alice").get(0).key().value();
            assertThat(signin.statusCode()).isEqualTo(200);

            long start = System.nanoTime();
            destroyed.await(handle + ":null", Duration.ofSeconds(10));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("3 s TTL, swept every 1.5 s")
                    .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(7));
            assertThat(manager.sessionsOf("alice")).isEmpty();
        }
    }
}
