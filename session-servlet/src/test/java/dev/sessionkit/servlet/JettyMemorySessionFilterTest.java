package dev.sessionkit.servlet;

/** The filter's contract on embedded Jetty, with the in-memory store. */
final class JettyMemorySessionFilterTest extends SessionFilterContract {

    JettyMemorySessionFilterTest() {
        super(ServletContainer.jetty(), StoreKit.memory());
    }
}
