package dev.sessionkit.examples;

import dev.sessionkit.testkit.MutableClock;
import java.util.Map;

/** The portal contract against the servlet demo on the postgres store. */
final class ServletPostgresPortalTest extends PortalContract {

    @Override
    protected RunningDemo start(MutableClock clock, Map<String, String> env) throws Exception {
        return RunningDemo.servlet(TestStore.postgres(), clock, env);
    }
}
