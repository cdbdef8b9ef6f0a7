package dev.sessionkit.micrometer;

import dev.sessionkit.SessionInstrumentation;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The binding's {@link SessionInstrumentation}: times request steps and store calls (itself, or as
 * observations when it has an observation registry), counts rejected cookies by reason, sizes
 * written sessions, and records sweeps. Tag values come from core's enums only, so none can name
 * a session.
 */
final class MeterInstrumentation implements SessionInstrumentation {

    /** The {@code error} tag's value when nothing was thrown, as Micrometer's meter observation handler writes it. */
    private static final String NO_ERROR = "none";

    private final MeterRegistry registry;
    private final ObservationRegistry observations;
    private final boolean histograms;
    private final Clock clock;
    /**
     * The timers of operations that threw nothing, by operation and outcome, made when first used (so
     * only combinations that happen become series): the common case costs no registry lookup.
     */
    private final Timer[][] timers = new Timer[Operation.values().length][Outcome.values().length];
    private final Map<CookieRejection, Counter> rejected = new EnumMap<>(CookieRejection.class);
    private final DistributionSummary size;
    private final Counter sweepBatches;
    private final Counter sweepPurged;

    MeterInstrumentation(MeterRegistry registry, ObservationRegistry observations, boolean histograms) {
        this.registry = registry;
        this.observations = observations;
        this.histograms = histograms;
        this.clock = registry.config().clock();
        for (CookieRejection reason : CookieRejection.values()) {
            rejected.put(reason, Counter.builder("sessionkit.cookies.rejected").tag("reason", reason.code())
                    .description("Session cookies (or headers) that named no live session, by reason")
                    .register(registry));
        }
        this.size = DistributionSummary.builder("sessionkit.session.size").baseUnit("bytes")
                .description("Encoded size of the attributes of every session written")
                .publishPercentileHistogram(histograms).register(registry);
        this.sweepBatches = Counter.builder("sessionkit.sweep.batches")
                .description("Batches of expired sessions the sweeper purged").register(registry);
        this.sweepPurged = Counter.builder("sessionkit.sweep.purged")
                .description("Expired sessions the sweeper purged").register(registry);
        for (Outcome outcome : Outcome.values()) {
            sweepTimer(outcome);
        }
    }

    @Override
    public Scope start(Operation operation) {
        return observations != null ? observe(operation) : time(operation);
    }

    private Scope time(Operation operation) {
        long started = clock.monotonicTime();
        return (outcome, error) -> {
            long took = clock.monotonicTime() - started;
            Timer timer;
            if (error == null) {
                timer = timers[operation.ordinal()][outcome.ordinal()];
                if (timer == null) {
                    // a race makes the same timer twice: the registry returns the one it has
                    timer = timer(operation, outcome, NO_ERROR);
                    timers[operation.ordinal()][outcome.ordinal()] = timer;
                }
            } else {
                timer = timer(operation, outcome, error.getClass().getSimpleName());
            }
            timer.record(took, TimeUnit.NANOSECONDS);
        };
    }

    private Scope observe(Operation operation) {
        Observation observation = Observation.createNotStarted(name(operation), observations)
                .lowCardinalityKeyValue(KEYS[operation.ordinal()])
                .contextualName(CONTEXTUAL_NAMES[operation.ordinal()])
                .start();
        Observation.Scope scope = observation.openScope();
        return (outcome, error) -> {
            scope.close();
            if (error != null) {
                observation.error(error);
            }
            observation.lowCardinalityKeyValue(OUTCOMES[outcome.ordinal()]).stop();
        };
    }

    /** Made once: an observation per store call should not build strings. */
    private static final KeyValue[] KEYS = new KeyValue[Operation.values().length];
    private static final String[] CONTEXTUAL_NAMES = new String[Operation.values().length];
    private static final KeyValue[] OUTCOMES = new KeyValue[Outcome.values().length];

    static {
        for (Operation operation : Operation.values()) {
            KEYS[operation.ordinal()] = KeyValue.of(key(operation), operation.code());
            CONTEXTUAL_NAMES[operation.ordinal()] = "sessionkit " + operation.code();
        }
        for (Outcome outcome : Outcome.values()) {
            OUTCOMES[outcome.ordinal()] = KeyValue.of("outcome", outcome.code());
        }
    }

    private Timer timer(Operation operation, Outcome outcome, String error) {
        return Timer.builder(name(operation))
                .description(operation.storeCall() ? "Session store calls" : "Request steps: resolve and commit")
                .tag(key(operation), operation.code()).tag("outcome", outcome.code()).tag("error", error)
                .publishPercentileHistogram(histograms).register(registry);
    }

    private Timer sweepTimer(Outcome outcome) {
        return Timer.builder("sessionkit.sweeps").description("Sweeper runs").tag("outcome", outcome.code())
                .register(registry);
    }

    private static String name(Operation operation) {
        return operation.storeCall() ? SessionkitMetrics.STORE_OPERATIONS : SessionkitMetrics.REQUEST_STEPS;
    }

    private static String key(Operation operation) {
        return operation.storeCall() ? "operation" : "step";
    }

    @Override
    public void cookieRejected(CookieRejection reason) {
        rejected.get(reason).increment();
    }

    @Override
    public void sessionWritten(int bytes) {
        size.record(bytes);
    }

    @Override
    public void sweepFinished(int batches, int purged, Duration took, Outcome outcome) {
        sweepBatches.increment(batches);
        sweepPurged.increment(purged);
        sweepTimer(outcome).record(took);
    }
}
