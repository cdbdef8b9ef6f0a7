package dev.sessionkit.micrometer;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionListener;
import dev.sessionkit.SessionStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counts this instance's session life-cycle events. The {@code ...Elsewhere} methods keep their
 * empty defaults: another instance counts its own, so a sum over instances counts each event once.
 */
final class MeterListener implements SessionListener {

    private final Counter created;
    private final Counter rotations;
    private final Map<SessionStatus, Counter> ended = new EnumMap<>(SessionStatus.class);

    MeterListener(MeterRegistry registry) {
        this.created = Counter.builder("sessionkit.sessions.started").description("Sessions created (stored); not .created, which Prometheus reserves").register(registry);
        this.rotations = Counter.builder("sessionkit.sessions.id.rotations")
                .description("Sessions moved to a new id (login fixation defence, renewal)").register(registry);
        for (SessionStatus status : SessionStatus.values()) {
            if (status != SessionStatus.ACTIVE) {
                ended.put(status, Counter.builder("sessionkit.sessions.ended")
                        .tag("reason", SessionkitMetrics.reasonCode(status))
                        .description("Sessions ended, by reason").register(registry));
            }
        }
    }

    @Override
    public void sessionCreated(SessionData session) {
        created.increment();
    }

    @Override
    public void sessionDestroyed(LookupKey key, SessionStatus reason) {
        Counter counter = ended.get(reason);
        if (counter != null) {
            counter.increment();
        }
    }

    @Override
    public void sessionExpired(LookupKey key) {
        ended.get(SessionStatus.EXPIRED).increment();
    }

    @Override
    public void sessionIdChanged(LookupKey oldKey, SessionData session) {
        rotations.increment();
    }
}
