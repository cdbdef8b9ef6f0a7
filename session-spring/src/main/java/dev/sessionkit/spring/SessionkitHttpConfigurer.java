package dev.sessionkit.spring;

import org.springframework.context.ApplicationContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.SessionManagementConfigurer;
import org.springframework.security.web.authentication.session.ConcurrentSessionControlAuthenticationStrategy;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * Makes every {@link HttpSecurity} built by Spring Security keep its login through
 * {@link SessionkitSecurityContextRepository} (the stock session repository plus the session's
 * principal). The CSRF token, the saved request and OAuth2's authorization request need nothing:
 * Spring Security's stock session-based repositories store them as objects, which keep their types.
 * Spring Security applies this configurer to each {@code HttpSecurity} it creates (it is listed in
 * {@code META-INF/spring.factories}); it does something only when the auto-configuration has
 * defined a {@link SessionkitSecurityContextRepository}.
 *
 * <p>It is installed as soon as the builder exists, before the application's own security
 * configuration runs, so an application that sets a repository of its own
 * ({@code http.securityContext(c -> c.securityContextRepository(...))}) still wins.
 */
final class SessionkitHttpConfigurer extends AbstractHttpConfigurer<SessionkitHttpConfigurer, HttpSecurity> {

    @Override
    public void setBuilder(HttpSecurity http) {
        super.setBuilder(http);
        ApplicationContext context = http.getSharedObject(ApplicationContext.class);
        if (context == null) {
            return;
        }
        SessionkitSecurityContextRepository repository =
                context.getBeanProvider(SessionkitSecurityContextRepository.class).getIfUnique();
        if (repository == null) {
            return; // sessionkit's security integration is off or replaced
        }
        http.setSharedObject(SecurityContextRepository.class,
                new DelegatingSecurityContextRepository(repository, new RequestAttributeSecurityContextRepository()));
        limitSessionsAtomically(http);
    }

    /**
     * Spring Security's session management builds its strategies in its {@code init}, which runs
     * before this configurer's (Spring Security adds session management to every
     * {@code HttpSecurity} before the configurers listed in {@code spring.factories}), so the hook is
     * set here, as soon as this configurer is added: {@code maximumSessions} then gets the store's
     * atomic limit ({@link SessionkitConcurrentSessionControl}).
     */
    private static void limitSessionsAtomically(HttpSecurity http) {
        SessionManagementConfigurer<HttpSecurity> sessions = http.getConfigurer(SessionManagementConfigurer.class);
        if (sessions != null) {
            sessions.addObjectPostProcessor(new ObjectPostProcessor<ConcurrentSessionControlAuthenticationStrategy>() {
                @Override
                @SuppressWarnings("unchecked")
                public <O extends ConcurrentSessionControlAuthenticationStrategy> O postProcess(O strategy) {
                    return (O) SessionkitConcurrentSessionControl.wrap(strategy);
                }
            });
        }
    }
}
