package dev.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.SessionConfigurationException;
import dev.sessionkit.SessionManager;
import dev.sessionkit.servlet.SessionFilter;
import dev.sessionkit.webflux.SessionWebExceptionHandler;
import dev.sessionkit.webflux.SessionkitWebSessionManager;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.web.reactive.WebFluxAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.WebSessionManager;

/** Which kind of application gets the reactive manager, and which the servlet filter. */
final class SessionkitWebFluxAutoConfigurationTest {

    private static final AutoConfigurations SESSIONKIT = AutoConfigurations.of(
            SessionkitPostgresStoreAutoConfiguration.class, SessionkitMemoryStoreAutoConfiguration.class,
            SessionkitAutoConfiguration.class, SessionkitSecurityAutoConfiguration.class,
            SessionkitWebFluxAutoConfiguration.class, WebFluxAutoConfiguration.class);

    private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
            .withConfiguration(SESSIONKIT);

    @Test
    void aReactiveApplicationGetsTheSessionkitWebSessionManagerAndNoServletBeans() {
        reactive.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(SessionkitWebSessionManager.class)
                    .hasSingleBean(SessionWebExceptionHandler.class).hasSingleBean(WebSessionManager.class)
                    .doesNotHaveBean(FilterRegistrationBean.class).doesNotHaveBean(SessionFilter.class)
                    .doesNotHaveBean(SessionkitSecurityContextRepository.class);
            assertThat(context.getBean(WebHttpHandlerBuilder.WEB_SESSION_MANAGER_BEAN_NAME))
                    .isSameAs(context.getBean(SessionkitWebSessionManager.class));
            assertThat(context.getBean(SessionkitWebSessionManager.class).manager())
                    .isSameAs(context.getBean(SessionManager.class));
        });
    }

    @Test
    void theUsersOwnWebSessionManagerWins() {
        reactive.withUserConfiguration(OwnWebSessionManager.class).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(SessionkitWebSessionManager.class)
                    .hasSingleBean(WebSessionManager.class);
            assertThat(context.getBean(WebSessionManager.class)).isInstanceOf(DefaultWebSessionManager.class);
        });
    }

    @Test
    void aServletApplicationGetsTheFilterAndNoReactiveBeans() {
        new WebApplicationContextRunner().withConfiguration(SESSIONKIT).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(FilterRegistrationBean.class)
                    .doesNotHaveBean(SessionkitWebSessionManager.class).doesNotHaveBean(SessionWebExceptionHandler.class);
        });
    }

    @Test
    void aNonWebApplicationGetsNeither() {
        new ApplicationContextRunner().withConfiguration(SESSIONKIT).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(SessionManager.class)
                    .doesNotHaveBean(SessionkitWebSessionManager.class).doesNotHaveBean(FilterRegistrationBean.class);
        });
    }

    @Test
    void withoutSessionWebfluxTheReactiveApplicationKeepsWebFluxsOwnManager() {
        reactive.withClassLoader(new FilteredClassLoader(SessionkitWebSessionManager.class)).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(SessionkitWebSessionManager.class);
            assertThat(context.getBean(WebHttpHandlerBuilder.WEB_SESSION_MANAGER_BEAN_NAME))
                    .isInstanceOf(DefaultWebSessionManager.class);
        });
    }

    @Test
    void theSameProductionRulesHold() {
        reactive.withPropertyValues("APP_ENV=production", "SESSION_SECRET=" + SessionkitAutoConfigurationTest.SECRET)
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(SessionkitAutoConfigurationTest.rootCause(context.getStartupFailure(),
                            SessionConfigurationException.class).setting()).isEqualTo("DATABASE_URL");
                });
    }

    @Test
    void theSameSettingsReachTheReactiveManager() {
        reactive.withPropertyValues("SESSION_COOKIE_NAME=reactive_sid", "sessionkit.ttl=20m").run(context -> {
            SessionManager manager = context.getBean(SessionkitWebSessionManager.class).manager();
            assertThat(manager.settings().cookieName()).isEqualTo("reactive_sid");
            assertThat(manager.settings().ttl()).hasMinutes(20);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnWebSessionManager {

        @Bean
        WebSessionManager webSessionManager() {
            return new DefaultWebSessionManager();
        }
    }
}
