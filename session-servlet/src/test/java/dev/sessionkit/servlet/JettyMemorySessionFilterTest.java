package dev.sessionkit.servlet;

/** The filter's contract on embedded Jetty, with the Caffeine store. */
final class JettyMemorySessionFilterTest extends SessionFilterContract {

    JettyMemorySessionFilterTest() {
        super(ServletContainer.jetty(), StoreKit.memory());
    }
}
