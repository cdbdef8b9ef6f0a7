package dev.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.RequestInfo;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.micrometer.SessionkitMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

final class SessionkitMetricsAutoConfigurationTest {

    private static final AutoConfigurations SESSIONKIT = AutoConfigurations.of(
            SessionkitMemoryStoreAutoConfiguration.class, SessionkitAutoConfiguration.class,
            SessionkitMetricsAutoConfiguration.class);

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(SESSIONKIT)
            .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                    ObservationAutoConfiguration.class));

    private static void oneSession(ApplicationContext context) {
        SessionManager manager = context.getBean(SessionManager.class);
        SessionContext request = manager.resolve(RequestInfo.ofCookie(null));
        request.getOrCreate().set("a", 1);
        manager.commit(request);
    }

    @Test
    void withoutTracingTheBindingMakesTheTimersItself() {
        runner.run(context -> assertThat(context.getBean(SessionkitMetrics.class).toString()).contains("timers"));
    }

    @Test
    void withObservationsOnTheStartersManagerIsMeasuredThroughObservations() {
        runner.withPropertyValues("sessionkit.metrics.observations=true").run(context -> {
            assertThat(context).hasSingleBean(SessionkitMetrics.class);
            assertThat(context.getBean(SessionkitMetrics.class).toString()).contains("observations");
            oneSession(context);

            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("sessionkit.sessions.started").counter().count()).isEqualTo(1);
            assertThat(registry.get("sessionkit.sessions.active").gauge().value()).isEqualTo(1);
            assertThat(registry.get(SessionkitMetrics.STORE_OPERATIONS)
                    .tags("operation", "create", "outcome", "ok", "error", "none").timer().count()).isEqualTo(1);
            assertThat(registry.get(SessionkitMetrics.REQUEST_STEPS).tags("step", "commit").timer().count()).isEqualTo(1);
            assertThat(context).doesNotHaveBean("sessionkitHistogramFilter");
        });
    }

    @Test
    void withObservationsOffTheBindingMakesTheTimersItself() {
        runner.withPropertyValues("sessionkit.metrics.observations=false", "sessionkit.metrics.histograms=true")
                .run(context -> {
                    assertThat(context.getBean(SessionkitMetrics.class).toString()).contains("timers")
                            .contains("histograms=true");
                    oneSession(context);
                    assertThat(context.getBean(MeterRegistry.class).get(SessionkitMetrics.STORE_OPERATIONS)
                            .tags("operation", "create", "outcome", "ok").timer().count()).isEqualTo(1);
                    assertThat(context).hasBean("sessionkitHistogramFilter");
                });
    }

    @Test
    void theCacheTimeIsBound() {
        runner.withPropertyValues("sessionkit.metrics.active-sessions-cache-time=5s")
                .run(context -> assertThat(context.getBean(SessionkitMetrics.class).toString())
                        .contains("activeSessionsCacheTime=PT5S"));
    }

    @Test
    void backsOffForTheApplicationsOwnBinding() {
        runner.withBean("mine", SessionkitMetrics.class,
                () -> SessionkitMetrics.builder(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
                        .histograms(true).build())
                .run(context -> {
                    assertThat(context).hasSingleBean(SessionkitMetrics.class).hasBean("mine");
                    oneSession(context);
                    assertThat(context.getBean(MeterRegistry.class).find("sessionkit.sessions.started").counters())
                            .isEmpty();
                });
    }

    @Test
    void canBeTurnedOff() {
        runner.withPropertyValues("sessionkit.metrics.enabled=false").run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(SessionkitMetrics.class).hasSingleBean(SessionManager.class);
            oneSession(context);
            assertThat(context.getBean(MeterRegistry.class).find("sessionkit.sessions.started").counters()).isEmpty();
        });
    }

    @Test
    void withoutAMeterRegistryThereIsNoBinding() {
        new ApplicationContextRunner().withConfiguration(SESSIONKIT).run(context -> assertThat(context)
                .hasNotFailed().doesNotHaveBean(SessionkitMetrics.class).hasSingleBean(SessionManager.class));
    }

    @Test
    void withoutMicrometerOnTheClassPathTheStarterStillWorks() {
        new ApplicationContextRunner().withConfiguration(SESSIONKIT)
                .withClassLoader(new FilteredClassLoader("io.micrometer", "dev.sessionkit.micrometer"))
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean("sessionkitMetrics")
                            .hasSingleBean(SessionManager.class);
                    oneSession(context);
                });
    }

    @Test
    void withoutSessionMicrometerThereIsNoBinding() {
        runner.withClassLoader(new FilteredClassLoader(SessionkitMetrics.class)).run(context -> assertThat(context)
                .hasNotFailed().doesNotHaveBean("sessionkitMetrics").doesNotHaveBean("sessionkitMetricsCustomizer"));
    }
}
