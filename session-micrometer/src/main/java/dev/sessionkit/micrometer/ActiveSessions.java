package dev.sessionkit.micrometer;

import dev.sessionkit.SessionManager;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sessionkit.sessions.active} gauge: the store's count of live sessions, asked at most
 * once per cache time however often it is scraped (a {@code COUNT(*)} per scrape would load the
 * database), on the manager's clock. A failed count keeps the last value (NaN before the first)
 * and is retried after the cache time; a scrape never throws.
 */
final class ActiveSessions {

    private static final Logger LOG = LoggerFactory.getLogger(ActiveSessions.class);

    private final SessionManager manager;
    private final Duration cacheTime;
    private Instant nextRefresh;
    private double value = Double.NaN;
    private boolean failing;

    private ActiveSessions(SessionManager manager, Duration cacheTime) {
        this.manager = manager;
        this.cacheTime = cacheTime;
    }

    static void register(MeterRegistry registry, SessionManager manager, Duration cacheTime) {
        Gauge.builder("sessionkit.sessions.active", new ActiveSessions(manager, cacheTime), ActiveSessions::value)
                .description("Live sessions in the store (cached: " + cacheTime + ")")
                .strongReference(true).register(registry);
    }

    synchronized double value() {
        Instant now = manager.clock().instant();
        if (nextRefresh != null && now.isBefore(nextRefresh)) {
            return value;
        }
        nextRefresh = now.plus(cacheTime);
        try {
            value = manager.stats().active();
            if (failing) {
                LOG.info("sessionkit: the {} store counts sessions again", manager.store().name());
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.warn("sessionkit: the {} store could not count sessions ({}); sessionkit.sessions.active keeps its"
                        + " last value and retries every {}", manager.store().name(), e.getClass().getSimpleName(),
                        cacheTime);
                failing = true;
            }
        }
        return value;
    }
}
