package dev.sessionkit.spring;

import dev.sessionkit.SessionManager;
import dev.sessionkit.micrometer.SessionkitMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * With Micrometer ({@code session-micrometer} and a {@link MeterRegistry} bean, as Spring Boot
 * Actuator makes): sessionkit's meters under {@code sessionkit.*}, and, when an
 * {@link ObservationRegistry} bean exists and Micrometer Tracing is on the class path (or
 * {@code sessionkit.metrics.observations=true}), request steps and store calls as observations, so
 * their timers come from the registry's meter observation handler, same names and tags, and each
 * is a span. Without tracing the binding records the timers itself, which costs less. The manager the starter builds gets the binding through a
 * {@link SessionManagerCustomizer}; the gauge and the store pool's Hikari meters are registered
 * once the singletons exist. {@code sessionkit.metrics.enabled=false} turns it all off; a
 * {@link SessionkitMetrics} bean of the application's replaces the one made here.
 */
@AutoConfiguration(after = SessionkitAutoConfiguration.class, afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration" })
@ConditionalOnClass({ SessionkitMetrics.class, MeterRegistry.class })
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = "sessionkit.metrics", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(SessionkitMetricsProperties.class)
public final class SessionkitMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SessionkitMetrics sessionkitMetrics(MeterRegistry registry, ObjectProvider<ObservationRegistry> observations,
            SessionkitMetricsProperties properties) {
        SessionkitMetrics.Builder builder = SessionkitMetrics.builder(registry).histograms(properties.isHistograms())
                .activeSessionsCacheTime(properties.getActiveSessionsCacheTime());
        boolean observe = properties.getObservations() != null ? properties.getObservations()
                : ClassUtils.isPresent(TRACER, SessionkitMetricsAutoConfiguration.class.getClassLoader());
        if (observe) {
            observations.ifAvailable(builder::observations);
        }
        return builder.build();
    }

    /** With Micrometer Tracing there are spans to make; without, observations would only cost more. */
    private static final String TRACER = "io.micrometer.tracing.Tracer";

    @Bean
    SessionManagerCustomizer sessionkitMetricsCustomizer(SessionkitMetrics metrics) {
        return metrics::instrument;
    }

    /** The gauge reads the manager, so it is registered once the manager exists. */
    @Bean
    SmartInitializingSingleton sessionkitMetricsMonitor(SessionkitMetrics metrics, ObjectProvider<SessionManager> managers) {
        return () -> managers.ifAvailable(metrics::monitor);
    }

    /** Histograms for the timers the meter observation handler makes, which {@code histograms(true)} cannot reach. */
    @Bean
    @ConditionalOnProperty(prefix = "sessionkit.metrics", name = "histograms", havingValue = "true")
    MeterFilter sessionkitHistogramFilter() {
        return SessionkitMetrics.histogramFilter();
    }
}
