package dev.sessionkit.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.memory.CaffeineSessionStore;
import dev.sessionkit.memory.MemoryStoreSettings;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** {@code SESSION_HEADER}: a client without cookies gets its token in that header and sends it back. */
final class SessionHeaderTest {

    private static final String HEADER = "X-Session-Token";

    @Test
    void aHeaderClientGetsItsTokenWithNoStoreAndIsServedByIt() throws Exception {
        SessionSettings settings = SessionSettings.builder().secrets("webflux-header-secret-0123456789-abcdefghij")
                .sessionHeader(HEADER).build();
        try (SessionManager manager = SessionManager.builder().settings(settings)
                .store(CaffeineSessionStore.create(MemoryStoreSettings.defaults(), Clock.systemUTC()), true)
                .sweeper(false).build();
                TestApp app = new TestApp(SessionkitWebSessionManager.of(manager))) {
            HttpResponse<String> put = Browser.HTTP.send(HttpRequest.newBuilder(app.base().resolve("/put?name=theme&value=dark"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            String token = put.headers().firstValue(HEADER).orElseThrow();
            assertThat(token).isNotEmpty();
            assertThat(put.headers().firstValue("Cache-Control")).hasValue("no-store");

            HttpResponse<String> read = Browser.HTTP.send(HttpRequest.newBuilder(app.base().resolve("/get?name=theme"))
                    .header(HEADER, token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(read.body()).isEqualTo("String:dark");
            assertThat(read.headers().firstValue(HEADER)).isEmpty();

            HttpResponse<String> forged = Browser.HTTP.send(HttpRequest.newBuilder(app.base().resolve("/get?name=theme"))
                    .header(HEADER, token + "x").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(forged.body()).isEqualTo("(none)");
            assertThat(app.unhandled).isEmpty();
        }
    }
}
