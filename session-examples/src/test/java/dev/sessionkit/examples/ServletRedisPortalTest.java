package dev.sessionkit.examples;

import dev.sessionkit.testkit.MutableClock;
import java.util.Map;

/** The portal contract against the servlet demo on the redis store, on a real Redis Cluster of three masters and three replicas. */
final class ServletRedisPortalTest extends PortalContract {

    @Override
    protected RunningDemo start(MutableClock clock, Map<String, String> env) throws Exception {
        return RunningDemo.servlet(TestStore.redisCluster(), clock, env);
    }
}
