package dev.sessionkit.examples;

import dev.sessionkit.testkit.MutableClock;
import java.util.Map;

/** The portal contract against the servlet demo on the memory store. */
final class ServletMemoryPortalTest extends PortalContract {

    @Override
    protected RunningDemo start(MutableClock clock, Map<String, String> env) throws Exception {
        return RunningDemo.servlet(TestStore.memory(), clock, env);
    }
}
