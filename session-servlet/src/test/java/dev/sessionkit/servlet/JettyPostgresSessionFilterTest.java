package dev.sessionkit.servlet;

/** The filter's contract on embedded Jetty, with the PostgreSQL store. */
final class JettyPostgresSessionFilterTest extends SessionFilterContract {

    JettyPostgresSessionFilterTest() {
        super(ServletContainer.jetty(), StoreKit.postgres());
    }
}
