package dev.sessionkit.micrometer;

import dev.sessionkit.SessionManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The Micrometer binding of a {@link SessionManager}: counters, timers, a gauge and a distribution
 * summary under {@code sessionkit.*} (listed in the README's "Metrics and traces" section), the
 * HikariCP pool meters of the pool the PostgreSQL store made, and, with an
 * {@link ObservationRegistry}, an {@link io.micrometer.observation.Observation} (a span, with
 * Micrometer Tracing) for every request step and store call.
 *
 * <p>One line in a plain application:
 * <pre>{@code
 * SessionManager manager = SessionkitMetrics.builder(meterRegistry).build()
 *         .build(SessionManager.builder().settings(settings).store(store));
 * }</pre>
 *
 * <p><b>Timers, once.</b> Without an observation registry the binding records the timers
 * {@code sessionkit.request.steps} and {@code sessionkit.store.operations} itself. With one, every
 * timing is an observation of that same name whose low-cardinality keys are the timer's tags
 * ({@code step} or {@code operation}, and {@code outcome}); the registry's meter handler (Spring
 * Boot registers {@code DefaultMeterObservationHandler}) makes the timer, with the same tag set,
 * {@code error} included, so a timing is never recorded twice and one name never has two tag sets.
 *
 * <p>No tag or key value carries a session id, lookup key or principal. Life-cycle counters count
 * this instance's events only, so a sum over instances counts each event once. Thread-safe.
 */
public final class SessionkitMetrics {

    /** Timer of the request steps ({@code step}: {@code resolve}, {@code commit}). */
    public static final String REQUEST_STEPS = "sessionkit.request.steps";

    /** Timer of the store calls ({@code operation}: {@code load}, {@code create}, ...). */
    public static final String STORE_OPERATIONS = "sessionkit.store.operations";

    private final MeterRegistry registry;
    private final ObservationRegistry observations;
    private final boolean histograms;
    private final Duration activeSessionsCacheTime;
    private final Set<SessionManager> monitored = Collections.newSetFromMap(new WeakHashMap<>());
    private final MeterInstrumentation instrumentation;
    private final MeterListener listener;

    private SessionkitMetrics(Builder b) {
        this.registry = b.registry;
        this.observations = b.observations;
        this.histograms = b.histograms;
        this.activeSessionsCacheTime = b.activeSessionsCacheTime;
        this.instrumentation = new MeterInstrumentation(registry, observations, histograms);
        this.listener = new MeterListener(registry);
    }

    /** A builder binding to {@code registry}. */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    /**
     * Percentile histograms for the two timers, for registries whose timers come from observations
     * (there the registry's meter handler makes them, so {@link Builder#histograms} cannot reach
     * them): add it to the registry before it registers meters.
     */
    public static MeterFilter histogramFilter() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(io.micrometer.core.instrument.Meter.Id id,
                    DistributionStatisticConfig config) {
                if (id.getName().equals(REQUEST_STEPS) || id.getName().equals(STORE_OPERATIONS)) {
                    return DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config);
                }
                return config;
            }
        };
    }

    /**
     * Adds this binding's instrumentation and listener to {@code builder}, builds the manager and
     * {@linkplain #monitor monitors} it.
     *
     * @return the manager built
     */
    public SessionManager build(SessionManager.Builder builder) {
        SessionManager manager = instrument(builder).build();
        monitor(manager);
        return manager;
    }

    /**
     * Adds this binding's {@link dev.sessionkit.SessionInstrumentation} and
     * {@link dev.sessionkit.SessionListener} to {@code builder}; then {@link #monitor} the manager
     * it builds. Prefer {@link #build(SessionManager.Builder)}, which does both.
     *
     * @return {@code builder}
     */
    public SessionManager.Builder instrument(SessionManager.Builder builder) {
        return builder.instrumentation(instrumentation).listener(listener);
    }

    /**
     * Registers the meters that read {@code manager}: the cached {@code sessionkit.sessions.active}
     * gauge; when its store made its own HikariCP pool and Hikari and nothing else measure it
     * yet, Hikari's {@code hikaricp.*} meters; and for the PostgreSQL store's write-behind touch
     * queue, the {@code sessionkit.touches.*} meters. Calling it again for the same manager does nothing.
     */
    public void monitor(SessionManager manager) {
        Objects.requireNonNull(manager, "manager");
        synchronized (monitored) {
            if (!monitored.add(manager)) {
                return;
            }
        }
        ActiveSessions.register(registry, manager, activeSessionsCacheTime);
        HikariPoolMetrics.bindIfPresent(registry, manager.store());
        TouchQueueMeters.bindIfPresent(registry, manager.store());
    }

    @Override
    public String toString() {
        return "SessionkitMetrics[" + (observations != null ? "observations" : "timers") + ", histograms=" + histograms
                + ", activeSessionsCacheTime=" + activeSessionsCacheTime + "]";
    }

    /** Builds a {@link SessionkitMetrics}; every setting is optional. */
    public static final class Builder {

        private final MeterRegistry registry;
        private ObservationRegistry observations;
        private boolean histograms;
        private Duration activeSessionsCacheTime = Duration.ofSeconds(30);

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * Times request steps and store calls as observations in {@code value} (a span each with
         * Micrometer Tracing; child spans nest); its meter handler then makes the timers. Default:
         * none, the binding makes the timers itself.
         *
         * @throws IllegalStateException when set twice
         */
        public Builder observations(ObservationRegistry value) {
            Objects.requireNonNull(value, "observations");
            if (observations != null) {
                throw new IllegalStateException("observations is already set");
            }
            this.observations = value;
            return this;
        }

        /**
         * Whether the timers this binding makes and {@code sessionkit.session.size} publish
         * percentile histograms (Prometheus {@code _bucket} series); default false.
         */
        public Builder histograms(boolean value) {
            this.histograms = value;
            return this;
        }

        /**
         * How long the {@code sessionkit.sessions.active} gauge keeps a count before asking the
         * store again; default 30 seconds. However often it is scraped, the store is asked at
         * most once per this time.
         *
         * @throws IllegalArgumentException when not positive
         */
        public Builder activeSessionsCacheTime(Duration value) {
            Objects.requireNonNull(value, "activeSessionsCacheTime");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("activeSessionsCacheTime must be positive, was " + value);
            }
            this.activeSessionsCacheTime = value;
            return this;
        }

        /** The binding. */
        public SessionkitMetrics build() {
            return new SessionkitMetrics(this);
        }
    }

    /** The codes used as tag values, in one place. */
    static String reasonCode(dev.sessionkit.SessionStatus status) {
        return REASONS.get(status);
    }

    private static final Map<dev.sessionkit.SessionStatus, String> REASONS = Map.of(
            dev.sessionkit.SessionStatus.ACTIVE, "active",
            dev.sessionkit.SessionStatus.LOGGED_OUT, "logged-out",
            dev.sessionkit.SessionStatus.EXPIRED, "expired",
            dev.sessionkit.SessionStatus.REVOKED, "revoked",
            dev.sessionkit.SessionStatus.REPLACED, "replaced");
}
