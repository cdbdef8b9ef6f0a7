package dev.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.web.session.HttpSessionDestroyedEvent;

/**
 * Two instances of a plain Spring Security application on one PostgreSQL database: Spring
 * Security's {@link HttpSessionDestroyedEvent} is published on both when a session ends on one —
 * by logout, by revocation, or by expiry swept by one of them — with no
 * {@code HttpSessionEventPublisher} declared by the application.
 */
@Timeout(180)
final class ClusterSessionEventsTest {

    private static final PostgresFixture.Database DATABASE = PostgresFixture.freshDatabase();

    /** The session ids of the destroyed events one application published. */
    static final class Destroyed implements ApplicationListener<HttpSessionDestroyedEvent> {
        final List<String> ids = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onApplicationEvent(HttpSessionDestroyedEvent event) {
            ids.add(event.getId());
        }

        void await(String id, Duration atMost) throws InterruptedException {
            long deadline = System.nanoTime() + atMost.toNanos();
            while (System.nanoTime() < deadline) {
                if (ids.contains(id)) {
                    return;
                }
                Thread.sleep(5);
            }
            throw new AssertionError("no HttpSessionDestroyedEvent for " + id + " within " + atMost + "; got " + ids);
        }
    }

    private record App(ConfigurableApplicationContext context, Destroyed destroyed) {
        SessionManager manager() {
            return context.getBean(SessionManager.class);
        }

        Browser browser() {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            return new Browser(() -> port);
        }
    }

    private static App a;
    private static App b;

    private static App start() {
        Destroyed destroyed = new Destroyed();
        ConfigurableApplicationContext context = new SpringApplicationBuilder(FormLoginApp.class)
                .properties("server.port=0", "spring.datasource.url=" + DATABASE.jdbcUrl(), "sessionkit.ttl=3s",
                        "sessionkit.touch-interval=1s", "sessionkit.cleanup-interval=1h")
                .listeners(destroyed).run();
        return new App(context, destroyed);
    }

    @BeforeAll
    static void startBoth() throws Exception {
        a = start();
        b = start();
        // both feeds listen once each hears the other
        for (App[] pair : new App[][] {{a, b}, {b, a}}) {
            AbstractFormLoginTest.loginAs(pair[0].browser(), "heidi");
            String handle = pair[0].manager().sessionsOf("heidi").get(0).key().value();
            pair[0].manager().revokeAll("heidi", SessionStatus.REVOKED);
            pair[1].destroyed().await(handle, Duration.ofSeconds(30));
        }
    }

    @AfterAll
    static void stopBoth() {
        a.context().close();
        b.context().close();
        DATABASE.close();
    }

    private static String signIn(App app, Browser browser, String user) throws Exception {
        AbstractFormLoginTest.loginAs(browser, user);
        return app.manager().sessionsOf(user).get(0).key().value();
    }

    @Test
    void aLogoutOnOneInstanceIsPublishedOnBoth() throws Exception {
        Browser browser = a.browser();
        String handle = signIn(a, browser, "alice");
        String csrf = browser.get("/csrf").body();

        HttpResponse<String> logout = browser.post("/logout", Browser.form("_csrf", csrf));

        assertThat(logout.statusCode()).isEqualTo(302);
        a.destroyed().await(handle, Duration.ofSeconds(1));
        b.destroyed().await(handle, Duration.ofSeconds(2));
        Thread.sleep(200);
        assertThat(a.destroyed().ids).as("published once where it happened").containsOnlyOnce(handle);
        assertThat(b.destroyed().ids).containsOnlyOnce(handle);
    }

    @Test
    void aRevocationOnOneInstanceIsPublishedOnBoth() throws Exception {
        String handle = signIn(b, b.browser(), "bob");

        assertThat(b.manager().revoke(handle, SessionStatus.REVOKED)).isTrue();

        b.destroyed().await(handle, Duration.ofSeconds(1));
        a.destroyed().await(handle, Duration.ofSeconds(2));
    }

    @Test
    void anExpirySweptByOneInstanceIsPublishedOnBoth() throws Exception {
        String handle = signIn(a, a.browser(), "carol");

        Thread.sleep(3_500); // past the 3 s idle timeout
        assertThat(a.manager().sweepNow()).isGreaterThanOrEqualTo(1);

        a.destroyed().await(handle, Duration.ofSeconds(1));
        b.destroyed().await(handle, Duration.ofSeconds(2));
    }
}
