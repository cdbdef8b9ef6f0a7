package dev.sessionkit.spring;

import org.springframework.context.ApplicationContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
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
    }
}
