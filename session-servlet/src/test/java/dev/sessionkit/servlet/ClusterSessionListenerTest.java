package dev.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.postgres.PostgresSessionStore;
import dev.sessionkit.postgres.PostgresStoreSettings;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two instances of one application, on Jetty and on Tomcat, sharing one PostgreSQL table: a
 * logout on one, a revocation, and an expiry swept by one reach the other's
 * {@code HttpSessionListener.sessionDestroyed}, as a container's own sessions would on one server.
 */
@Timeout(120)
final class ClusterSessionListenerTest {

    private static final String SECRET = "servlet-tests-secret-0123456789-abcdefghij";

    /** The ids of the sessions {@code sessionDestroyed} was called for, and whether attributes were readable. */
    static final class Destroyed implements HttpSessionListener {
        final List<String> ids = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void sessionDestroyed(HttpSessionEvent event) {
            ids.add(event.getSession().getId() + ":" + event.getSession().getAttribute("user"));
        }

        void await(String expected, Duration atMost) throws InterruptedException {
            long deadline = System.nanoTime() + atMost.toNanos();
            while (System.nanoTime() < deadline) {
                synchronized (ids) {
                    if (ids.contains(expected)) {
                        return;
                    }
                }
                Thread.sleep(5);
            }
            throw new AssertionError("sessionDestroyed for " + expected + " not heard within " + atMost + "; heard " + ids);
        }
    }

    private record Node(ServletContainer container, PostgresSessionStore store, SessionManager manager,
            Destroyed destroyed, URI base) {
    }

    private final MutableClock clock = MutableClock.at(java.time.Instant.now());
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final List<Node> nodes = new ArrayList<>();
    private PostgresFixture.Database database;

    @BeforeEach
    void start() {
        database = PostgresFixture.freshDatabase();
    }

    @AfterEach
    void stop() throws Exception {
        for (Node node : nodes) {
            node.manager().close();
            node.store().close();
            node.container().close();
        }
        database.close();
    }

    private Node node(ServletContainer container) throws Exception {
        PostgresSessionStore store = PostgresSessionStore.builder()
                .settings(PostgresStoreSettings.builder().databaseUrl(database.databaseUrl()).build()).build();
        SessionManager manager = SessionManager.builder()
                .settings(SessionSettings.builder().secrets(SECRET).ttl(Duration.ofMinutes(30)).build())
                .store(store).clock(clock).sweeper(false).build();
        Destroyed destroyed = new Destroyed();
        SessionFilter filter = SessionFilter.builder(manager).listener(destroyed).build();
        URI base = container.start(new TestServlet(), context -> SessionFilter.register(context, filter));
        Node node = new Node(container, store, manager, destroyed, base);
        nodes.add(node);
        return node;
    }

    /** Signs alice in on {@code node}; returns the cookie. */
    private String login(Node node) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(node.base().resolve("/app/signin?user=alice"))
                .build(), HttpResponse.BodyHandlers.ofString());
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private String handleOf(Node node) {
        return node.manager().sessionsOf("alice").get(0).key().value();
    }

    private int get(Node node, String path, String cookie) throws Exception {
        return client.send(HttpRequest.newBuilder(node.base().resolve(path)).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** Waits until each node hears the other (their feeds are listening), then forgets what they heard. */
    private void warmUp(Node a, Node b) throws Exception {
        for (Node[] pair : new Node[][] {{a, b}, {b, a}}) {
            // an event announced before the other's feed listens is not replayed: try again until one is heard
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (true) {
                login(pair[0]);
                String handle = handleOf(pair[0]);
                pair[0].manager().revokeAll("alice", dev.sessionkit.SessionStatus.REVOKED);
                try {
                    pair[1].destroyed().await(handle + ":null", Duration.ofSeconds(2));
                    break;
                } catch (AssertionError notYet) {
                    if (System.nanoTime() > deadline) {
                        throw notYet;
                    }
                }
            }
        }
        a.destroyed().ids.clear();
        b.destroyed().ids.clear();
    }

    @Test
    void aLogoutOnOneInstanceReachesTheOthersSessionDestroyed() throws Exception {
        Node a = node(ServletContainer.jetty());
        Node b = node(ServletContainer.tomcat());
        warmUp(a, b);
        String cookie = login(a);
        String handle = handleOf(a);

        assertThat(get(a, "/app/logout", cookie)).isLessThan(400);

        a.destroyed().await(handle + ":alice", Duration.ofSeconds(1)); // the request's own, with its attributes
        b.destroyed().await(handle + ":null", Duration.ofSeconds(2)); // elsewhere: only the id is known
        Thread.sleep(200);
        assertThat(a.destroyed().ids).hasSize(1);
        assertThat(b.destroyed().ids).hasSize(1);
    }

    @Test
    void anExpirySweptByOneInstanceIsDestroyedOnBoth() throws Exception {
        Node a = node(ServletContainer.tomcat());
        Node b = node(ServletContainer.jetty());
        warmUp(a, b);
        login(a);
        String handle = handleOf(a);

        clock.advance(Duration.ofMinutes(31));
        assertThat(a.manager().sweepNow()).isEqualTo(1);

        a.destroyed().await(handle + ":null", Duration.ofSeconds(1));
        b.destroyed().await(handle + ":null", Duration.ofSeconds(2));
    }

    @Test
    void aRevocationOutsideARequestIsDestroyedOnBoth() throws Exception {
        Node a = node(ServletContainer.jetty());
        Node b = node(ServletContainer.jetty());
        warmUp(a, b);
        login(a);
        String handle = handleOf(a);

        assertThat(b.manager().revoke(handle, dev.sessionkit.SessionStatus.REVOKED)).isTrue();

        b.destroyed().await(handle + ":null", Duration.ofSeconds(1));
        a.destroyed().await(handle + ":null", Duration.ofSeconds(2));
    }
}
