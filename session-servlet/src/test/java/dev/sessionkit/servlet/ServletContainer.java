package dev.sessionkit.servlet;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An embedded servlet container running one servlet on {@code /app/*}, with a hook that runs while
 * the servlet context is initialized (where the tests call {@link SessionFilter#register}). Neither
 * container gets a session manager of its own to work with: Jetty has no {@code SessionHandler},
 * Tomcat keeps its default one, which the filter's wrapper bypasses.
 */
interface ServletContainer extends AutoCloseable {

    /** Starts the container on a free port and returns its base address, such as {@code http://127.0.0.1:1234}. */
    URI start(HttpServlet servlet, Consumer<ServletContext> onStartup) throws Exception;

    @Override
    void close() throws Exception;

    /** Embedded Jetty 12, ee10, without a {@code SessionHandler}. */
    static ServletContainer jetty() {
        return new ServletContainer() {
            private Server server;

            @Override
            public URI start(HttpServlet servlet, Consumer<ServletContext> onStartup) throws Exception {
                server = new Server();
                ServerConnector connector = new ServerConnector(server);
                connector.setHost("127.0.0.1");
                connector.setPort(0);
                server.addConnector(connector);
                ServletContextHandler context = new ServletContextHandler("/"); // no SESSIONS option
                ServletHolder holder = new ServletHolder(servlet);
                holder.setAsyncSupported(true);
                context.addServlet(holder, "/app/*");
                context.addEventListener(new ServletContextListener() {
                    @Override
                    public void contextInitialized(ServletContextEvent event) {
                        onStartup.accept(event.getServletContext());
                    }
                });
                server.setHandler(context);
                server.start();
                return URI.create("http://127.0.0.1:" + connector.getLocalPort());
            }

            @Override
            public void close() throws Exception {
                if (server != null) {
                    server.stop();
                }
            }

            @Override
            public String toString() {
                return "jetty";
            }
        };
    }

    /** Embedded Tomcat 10.1 with its defaults. */
    static ServletContainer tomcat() {
        return new ServletContainer() {
            private Tomcat tomcat;
            private Path baseDir;

            @Override
            public URI start(HttpServlet servlet, Consumer<ServletContext> onStartup) throws Exception {
                baseDir = Files.createTempDirectory("sessionkit-tomcat");
                tomcat = new Tomcat();
                tomcat.setBaseDir(baseDir.toString());
                tomcat.setHostname("127.0.0.1");
                tomcat.setPort(0);
                Context context = tomcat.addContext("", baseDir.toString());
                Tomcat.addServlet(context, "app", servlet).setAsyncSupported(true);
                context.addServletMappingDecoded("/app/*", "app");
                context.addServletContainerInitializer((classes, servletContext) -> onStartup.accept(servletContext),
                        null);
                tomcat.getConnector().setProperty("address", "127.0.0.1");
                tomcat.start();
                return URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort());
            }

            @Override
            public void close() throws Exception {
                if (tomcat != null) {
                    tomcat.stop();
                    tomcat.destroy();
                }
            }

            @Override
            public String toString() {
                return "tomcat";
            }
        };
    }
}
