package dev.sessionkit.examples;

import dev.sessionkit.testkit.MutableClock;
import java.util.Map;

/** The portal contract against the spring demo on the redis store, on a real Redis Cluster of three masters and three replicas. */
final class SpringRedisPortalTest extends PortalContract {

    @Override
    protected RunningDemo start(MutableClock clock, Map<String, String> env) throws Exception {
        return RunningDemo.spring(TestStore.redisCluster(), clock, env);
    }
}
