package dev.sessionkit.servlet;

/** The filter's contract on embedded Tomcat, with the Caffeine store. */
final class TomcatMemorySessionFilterTest extends SessionFilterContract {

    TomcatMemorySessionFilterTest() {
        super(ServletContainer.tomcat(), StoreKit.memory());
    }
}
