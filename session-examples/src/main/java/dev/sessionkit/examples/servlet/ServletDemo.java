package dev.sessionkit.examples.servlet;

import dev.sessionkit.SessionConfigurationException;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStores;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.examples.DemoPort;
import dev.sessionkit.examples.portal.HealthFilter;
import dev.sessionkit.examples.portal.NoStoreFilter;
import dev.sessionkit.examples.portal.OriginFilter;
import dev.sessionkit.examples.portal.Portal;
import dev.sessionkit.servlet.SessionFilter;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account portal as a plain servlet app on embedded Jetty 12 (ee10): no framework, no
 * container sessions. The servlet context has no {@code SessionHandler}; sessionkit's
 * {@link SessionFilter} serves every session, ahead of one hand-routed servlet.
 *
 * <p>Filters, in order: {@link HealthFilter} ({@code /healthz}, {@code /readyz}, before any session
 * work), {@link NoStoreFilter} ({@code /api/*} is never cached, the next filter's refusals
 * included), {@link OriginFilter} (cross-origin state changes get 403, non-JSON bodies 415),
 * {@link SessionFilter}. Then
 * {@link PortalServlet}. Errors outside the servlet's own answers are JSON too, without detail
 * ({@link JsonErrorHandlers}).
 *
 * <p>Run it with {@code java -jar session-examples/target/sessionkit-demo-servlet.jar}: the memory
 * store by default, PostgreSQL with {@code DATABASE_URL=postgres://…}, port 8080 or {@code PORT}.
 * Every {@code SESSION_*} variable of sessionkit applies.
 */
public final class ServletDemo implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServletDemo.class);

    private final Server server;
    private final ServerConnector connector;

    private ServletDemo(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        SessionManager manager;
        int port;
        try {
            port = DemoPort.parse(env.get("PORT"));
            SessionSettings settings = SessionSettings.fromEnvironment(env);
            Clock clock = Clock.systemUTC();
            manager = SessionManager.builder().settings(settings)
                    .store(SessionStores.open(settings, dev.sessionkit.EnvironmentVariables.of(env), clock), true)
                    .clock(clock).build();
        } catch (SessionConfigurationException | StoreUnavailableException | IllegalArgumentException e) {
            LOG.error("sessionkit servlet demo cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        ServletDemo demo;
        try {
            demo = start(manager, port);
        } catch (Exception e) {
            manager.close();
            throw e;
        }
        LOG.info("sessionkit servlet demo (Jetty, SessionFilter): open http://localhost:{}/ in a browser"
                + " and sign in as alice / alice-password", demo.port());

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("sessionkit servlet demo: shutting down");
            demo.close();
            manager.close(); // stops the sweeper, closes the store
            LOG.info("sessionkit servlet demo: stopped");
            stopped.countDown();
        }, "demo-shutdown"));
        stopped.await();
    }

    /**
     * Starts the portal on {@code port} (0 for a free one) with an existing manager, which the
     * caller keeps and closes after {@link #close()}.
     */
    public static ServletDemo start(SessionManager manager, int port) throws Exception {
        Portal portal = new Portal(Objects.requireNonNull(manager, "manager"));

        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setPort(port);
        server.addConnector(connector);
        server.setStopTimeout(5_000);

        ServletContextHandler context = new ServletContextHandler("/"); // no SESSIONS option: no SessionHandler
        context.addFilter(new FilterHolder(new HealthFilter(manager)), "/*", EnumSet.of(DispatcherType.REQUEST));
        // no-store first, so the origin check's refusals are not cached either
        context.addFilter(new FilterHolder(new NoStoreFilter()), "/api/*", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new FilterHolder(new OriginFilter(manager.settings().trustProxy())), "/*",
                EnumSet.of(DispatcherType.REQUEST));
        FilterHolder sessions = new FilterHolder(SessionFilter.of(manager));
        sessions.setAsyncSupported(true);
        context.addFilter(sessions, "/*", EnumSet.allOf(DispatcherType.class));
        context.addServlet(new ServletHolder("portal", new PortalServlet(portal)), "/");
        context.setErrorHandler(new JsonErrorHandlers.Context());
        server.setErrorHandler(new JsonErrorHandlers.Server());
        server.setHandler(context);

        server.start();
        return new ServletDemo(server, connector);
    }

    /** The port the server listens on. */
    public int port() {
        return connector.getLocalPort();
    }

    /** Stops the server, letting requests in flight finish; the manager stays open. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("jetty did not stop cleanly", e);
        }
    }
}
