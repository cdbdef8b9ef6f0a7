package dev.sessionkit.spring;

import dev.sessionkit.SessionManager;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With Spring Boot Actuator on the class path: the {@code sessions} endpoint
 * ({@link SessionsEndpoint}) and the {@code sessionkit} health indicator for the store.
 */
@AutoConfiguration(after = SessionkitAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnBean(SessionManager.class)
public final class SessionkitActuatorAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Endpoint.class)
    @ConditionalOnAvailableEndpoint(endpoint = SessionsEndpoint.class)
    static class EndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        SessionsEndpoint sessionkitSessionsEndpoint(SessionManager manager) {
            return new SessionsEndpoint(manager);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("sessionkit")
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "sessionkitHealthIndicator")
        SessionStoreHealthIndicator sessionkitHealthIndicator(SessionManager manager) {
            return new SessionStoreHealthIndicator(manager);
        }
    }
}
