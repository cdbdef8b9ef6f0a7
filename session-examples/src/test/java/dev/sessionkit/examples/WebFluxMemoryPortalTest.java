package dev.sessionkit.examples;

import dev.sessionkit.testkit.MutableClock;
import java.util.Map;

/** The portal contract against the WebFlux demo on Netty on the memory store,, with BlockHound watching the event loops. */
final class WebFluxMemoryPortalTest extends WebFluxPortalContract {

    @Override
    protected RunningDemo start(MutableClock clock, Map<String, String> env) throws Exception {
        return RunningDemo.webflux(TestStore.memory(), clock, env);
    }
}
