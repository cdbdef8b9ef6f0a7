package dev.sessionkit.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.CommitResult;
import dev.sessionkit.RequestInfo;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.testkit.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The attack of the issue, driven through {@link SessionManager} as requests would drive it: a flood
 * of cookieless requests to an endpoint that sets an attribute, against a full memory store.
 */
final class MemoryStoreFloodTest {

    private static final String SECRET = "memory-flood-test-secret-0123456789abcdef";

    private final MutableClock clock = MutableClock.create();
    private final CaffeineSessionStore store = CaffeineSessionStore.create(
            MemoryStoreSettings.builder().maxSessions(500).build(), clock);
    private final SessionManager manager = SessionManager.builder()
            .settings(SessionSettings.builder().secrets(SECRET).build()).store(store).clock(clock).sweeper(false)
            .build();

    @AfterEach
    void close() {
        manager.close();
        store.close();
    }

    /** One request with {@code cookie} (null for none); returns the {@code name=value} cookie it set, or null. */
    private String request(String cookie, Consumer<SessionContext> work) {
        SessionContext context = manager.resolve(RequestInfo.ofCookie(cookie));
        work.accept(context);
        CommitResult result = manager.commit(context);
        return result.setCookie().map(c -> c.substring(0, c.indexOf(';'))).orElse(null);
    }

    @Test
    void aThousandCookielessRequestsAtCapacity500LogNobodyOut() {
        List<String> signedIn = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            // the login form's request makes an anonymous session (a CSRF token), the login rotates it
            String anonymous = request(null, c -> c.getOrCreate().set("csrf", "token"));
            String user = "user" + i;
            signedIn.add(request(anonymous, c -> c.session().orElseThrow().login(user)));
            clock.advance(Duration.ofMillis(5));
        }

        int created = 0;
        for (int i = 0; i < 1_000; i++) {
            if (request(null, c -> c.getOrCreate().set("visited", true)) != null) {
                created++;
            }
        }
        store.cleanUp();

        assertThat(created).as("the attacker's sessions are made, not refused").isEqualTo(1_000);
        for (int i = 0; i < signedIn.size(); i++) {
            String cookie = signedIn.get(i);
            assertThat(manager.resolve(RequestInfo.ofCookie(cookie)).session()).as("user%d is still signed in", i)
                    .hasValueSatisfying(s -> assertThat(s.principal()).isPresent());
        }
        assertThat(store.sizeEvictions()).as("room was made from anonymous sessions").isGreaterThanOrEqualTo(500);
        assertThat(manager.sessionsOf("user7")).hasSize(1);
    }
}
