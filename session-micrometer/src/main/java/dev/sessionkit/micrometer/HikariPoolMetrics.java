package dev.sessionkit.micrometer;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.sessionkit.SessionStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hikari's own Micrometer meters ({@code hikaricp.connections.*}, tag {@code pool}) for the pool a
 * store made for itself. Hikari takes a metrics tracker once, also after the pool started; a pool
 * that already has one (or a Dropwizard registry) is left as it is. Loaded only when Hikari is on
 * the class path.
 */
final class HikariPoolMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(HikariPoolMetrics.class);
    private static final boolean HIKARI_PRESENT = present("com.zaxxer.hikari.HikariDataSource");

    private HikariPoolMetrics() {
    }

    static void bindIfPresent(MeterRegistry registry, SessionStore store) {
        if (HIKARI_PRESENT) {
            Bind.pool(registry, store);
        }
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, HikariPoolMetrics.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Kept apart so that Hikari's classes load only when they exist. */
    private static final class Bind {

        static void pool(MeterRegistry registry, SessionStore store) {
            store.unwrap(HikariDataSource.class).ifPresent(pool -> {
                if (pool.getMetricsTrackerFactory() != null || pool.getMetricRegistry() != null) {
                    LOG.info("sessionkit: pool {} already has metrics; left as it is", pool.getPoolName());
                    return;
                }
                pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
                LOG.info("sessionkit: pool {} reports hikaricp.* meters", pool.getPoolName());
            });
        }
    }
}
