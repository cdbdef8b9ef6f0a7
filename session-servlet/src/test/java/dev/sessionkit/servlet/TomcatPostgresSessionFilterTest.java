package dev.sessionkit.servlet;

/** The filter's contract on embedded Tomcat, with the PostgreSQL store. */
final class TomcatPostgresSessionFilterTest extends SessionFilterContract {

    TomcatPostgresSessionFilterTest() {
        super(ServletContainer.tomcat(), StoreKit.postgres());
    }
}
