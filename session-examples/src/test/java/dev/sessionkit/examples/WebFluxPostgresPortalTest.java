package dev.sessionkit.examples;

import dev.sessionkit.testkit.MutableClock;
import java.util.Map;

/** The portal contract against the WebFlux demo on Netty on the postgres store,, with BlockHound watching the event loops. */
final class WebFluxPostgresPortalTest extends WebFluxPortalContract {

    @Override
    protected RunningDemo start(MutableClock clock, Map<String, String> env) throws Exception {
        return RunningDemo.webflux(TestStore.postgres(), clock, env);
    }
}
