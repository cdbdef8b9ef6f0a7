package dev.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.RequestInfo;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.session.SessionRegistryImpl;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

final class SessionkitSecurityAndActuatorTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SessionkitMemoryStoreAutoConfiguration.class,
                    SessionkitAutoConfiguration.class, SessionkitSecurityAutoConfiguration.class,
                    SessionkitActuatorAutoConfiguration.class));

    @Test
    void securityBeansArePresentWithSpringSecurity() {
        runner.run(context -> assertThat(context).hasSingleBean(SessionkitSecurityContextRepository.class)
                .hasSingleBean(SessionRegistry.class));
    }

    @Test
    void securityBeansBackOff() {
        runner.withBean(SecurityContextRepository.class, HttpSessionSecurityContextRepository::new)
                .withBean(SessionRegistry.class, SessionRegistryImpl::new).run(context -> {
                    assertThat(context).doesNotHaveBean(SessionkitSecurityContextRepository.class);
                    assertThat(context.getBean(SessionRegistry.class)).isInstanceOf(SessionRegistryImpl.class);
                });
    }

    @Test
    void withoutSpringSecurityThereAreNoSecurityBeans() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.security"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("sessionkitSessionRegistry")
                        .doesNotHaveBean("sessionkitSecurityContextRepository"));
    }

    @Test
    void registryReadsThePrincipalIndexAndExpiringRevokes() {
        runner.run(context -> {
            SessionManager manager = context.getBean(SessionManager.class);
            SessionContext request = manager.resolve(RequestInfo.ofCookie(null));
            request.getOrCreate().login("zoe");
            manager.commit(request);

            SessionRegistry registry = context.getBean(SessionRegistry.class);
            assertThat(registry.getAllPrincipals()).containsExactly("zoe");
            List<SessionInformation> sessions = registry.getAllSessions("zoe", false);
            assertThat(sessions).singleElement().satisfies(s -> {
                assertThat(registry.getSessionInformation(s.getSessionId())).isNotNull();
                s.expireNow();
            });
            assertThat(manager.sessionsOf("zoe")).isEmpty();
            assertThat(registry.getSessionInformation(sessions.get(0).getSessionId())).isNull();
        });
    }

    @Test
    void actuatorEndpointAndHealthWhenExposed() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=sessions,health").run(context -> {
            SessionManager manager = context.getBean(SessionManager.class);
            SessionContext request = manager.resolve(RequestInfo.ofCookie(null));
            request.getOrCreate().login("yann");
            manager.commit(request);

            SessionsEndpoint endpoint = context.getBean(SessionsEndpoint.class);
            SessionsEndpoint.Report all = endpoint.sessions(null);
            assertThat(all.store()).isEqualTo("memory");
            assertThat(all.active()).isEqualTo(1);
            assertThat(all.sessions()).isEmpty();
            SessionsEndpoint.Report yann = endpoint.sessions("yann");
            assertThat(yann.sessions()).singleElement().satisfies(e -> assertThat(e.principal()).isEqualTo("yann"));
            assertThat(endpoint.revoke(yann.sessions().get(0).handle())).isTrue();
            assertThat(endpoint.sessions(null).active()).isZero();

            Health health = context.getBean(SessionStoreHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("store", "memory");
        });
    }

    @Test
    void endpointIsOffUntilExposed() {
        runner.run(context -> assertThat(context).doesNotHaveBean(SessionsEndpoint.class)
                .hasSingleBean(SessionStoreHealthIndicator.class));
    }

    @Test
    void withoutActuatorThereIsNoEndpointOrHealth() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
                .withPropertyValues("management.endpoints.web.exposure.include=sessions").run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(SessionsEndpoint.class)
                            .doesNotHaveBean(SessionStoreHealthIndicator.class);
                });
    }

    @Test
    void failureAnalyzerIsRegistered() {
        List<String> analyzers = SpringFactoriesLoader.forDefaultResourceLocation().load(FailureAnalyzer.class,
                SpringFactoriesLoader.ArgumentResolver.none(), SpringFactoriesLoader.FailureHandler.logging(
                        org.apache.commons.logging.LogFactory.getLog(getClass())))
                .stream().map(a -> a.getClass().getName()).toList();
        assertThat(analyzers).contains(SessionkitFailureAnalyzer.class.getName());
    }
}
