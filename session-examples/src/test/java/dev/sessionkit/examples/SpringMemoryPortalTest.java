package dev.sessionkit.examples;

import dev.sessionkit.testkit.MutableClock;
import java.util.Map;

/** The portal contract against the spring demo on the memory store. */
final class SpringMemoryPortalTest extends PortalContract {

    @Override
    protected RunningDemo start(MutableClock clock, Map<String, String> env) throws Exception {
        return RunningDemo.spring(TestStore.memory(), clock, env);
    }
}
