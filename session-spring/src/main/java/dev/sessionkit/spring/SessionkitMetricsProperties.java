package dev.sessionkit.spring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code sessionkit.metrics.*}: how {@link SessionkitMetricsAutoConfiguration} binds sessionkit to
 * Micrometer. Only carries values: they are mapped into
 * {@link dev.sessionkit.micrometer.SessionkitMetrics.Builder}, which validates them.
 */
@ConfigurationProperties("sessionkit.metrics")
public class SessionkitMetricsProperties {

    /** Whether sessionkit's meters and observations are on. */
    private boolean enabled = true;

    /**
     * Whether request steps and store calls are observations (spans with Micrometer Tracing; the
     * application's meter observation handler makes their timers, same names and tags). When
     * false, sessionkit makes the timers itself, at less cost, and there are no spans. Default:
     * true when Micrometer Tracing is on the class path.
     */
    private Boolean observations;

    /** Whether the sessionkit timers and the session size summary publish percentile histograms. */
    private boolean histograms;

    /** How long the sessionkit.sessions.active gauge keeps a count before asking the store again. */
    private Duration activeSessionsCacheTime = Duration.ofSeconds(30);

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Boolean getObservations() {
        return observations;
    }

    public void setObservations(Boolean observations) {
        this.observations = observations;
    }

    public boolean isHistograms() {
        return histograms;
    }

    public void setHistograms(boolean histograms) {
        this.histograms = histograms;
    }

    public Duration getActiveSessionsCacheTime() {
        return activeSessionsCacheTime;
    }

    public void setActiveSessionsCacheTime(Duration activeSessionsCacheTime) {
        this.activeSessionsCacheTime = activeSessionsCacheTime;
    }
}
