package dev.sessionkit.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sessionkit.CommitResult;
import dev.sessionkit.RequestInfo;
import dev.sessionkit.SessionConfigurationException;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.StoreUnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The smallest sessionkit app: the JDK's own HTTP server and {@link SessionManager} used directly,
 * the way any framework adapter uses it. {@code GET /} counts your visits; {@code POST /logout}
 * ends the session; {@code GET /healthz} never touches a session.
 *
 * <p>Runs on the in-memory store by default; {@code DATABASE_URL=postgres://…} switches it to
 * PostgreSQL. {@code PORT} picks the port (default 8080).
 */
public final class MinimalDemo {

    private static final Logger LOG = LoggerFactory.getLogger(MinimalDemo.class);

    private MinimalDemo() {
    }

    public static void main(String[] args) throws Exception {
        int port;
        SessionManager sessions;
        try {
            port = DemoPort.parse(System.getenv("PORT"));
            sessions = SessionManager.fromEnvironment();
        } catch (SessionConfigurationException | StoreUnavailableException | IllegalArgumentException e) {
            LOG.error("sessionkit minimal demo cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/healthz", exchange -> respond(exchange, 200, "application/json", "{\"status\":\"ok\"}"));
        server.createContext("/", exchange -> handle(sessions, exchange));
        server.start();
        LOG.info("sessionkit minimal demo: open http://localhost:{}/", port);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(1);
            sessions.close();
            stopped.countDown();
        }, "demo-shutdown"));
        stopped.await();
    }

    private static void handle(SessionManager sessions, HttpExchange exchange) throws IOException {
        try {
            String sessionHeader = sessions.settings().sessionHeader();
            RequestInfo request = RequestInfo.builder()
                    .cookieHeaders(exchange.getRequestHeaders().getOrDefault("Cookie", List.of()))
                    .remoteAddress(exchange.getRemoteAddress().getAddress().getHostAddress())
                    .userAgent(exchange.getRequestHeaders().getFirst("User-Agent"))
                    .forwardedProto(exchange.getRequestHeaders().getFirst("X-Forwarded-Proto"))
                    .forwardedFor(exchange.getRequestHeaders().getFirst("X-Forwarded-For"))
                    .sessionHeader(sessionHeader == null ? null : exchange.getRequestHeaders().getFirst(sessionHeader))
                    .build();
            SessionContext context = sessions.resolve(request);
            String body;
            if ("POST".equals(exchange.getRequestMethod()) && "/logout".equals(exchange.getRequestURI().getPath())) {
                context.invalidate();
                body = "signed out\n";
            } else {
                long visits = context.getOrCreate().increment("visits", 1);
                body = "visits: " + visits + "\n";
            }
            CommitResult result = sessions.commit(context);
            result.setCookie().ifPresent(cookie -> exchange.getResponseHeaders().add("Set-Cookie", cookie));
            result.header().ifPresent(header -> exchange.getResponseHeaders().set(header.name(), header.value()));
            if (result.noStore()) {
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
            }
            respond(exchange, 200, "text/plain; charset=utf-8", body);
        } catch (StoreUnavailableException e) {
            LOG.warn("session store unavailable during {}: {}", e.operation(), e.getMessage());
            respond(exchange, 503, "application/json", "{\"error\":\"session_store_unavailable\"}");
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
