package dev.sessionkit.spring;

import org.springframework.context.ApplicationContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * Makes every {@link HttpSecurity} built by Spring Security keep its login in sessionkit. Spring
 * Security applies it to each {@code HttpSecurity} it creates (it is listed in
 * {@code META-INF/spring.factories}); it does something only when the auto-configuration has
 * defined a {@link SessionkitSecurityContextRepository}.
 *
 * <p>The repository is installed as soon as the builder exists, before the application's own
 * security configuration runs, so an application that sets a repository of its own
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
        context.getBeanProvider(SessionkitSecurityContextRepository.class).ifUnique(repository -> http.setSharedObject(
                SecurityContextRepository.class,
                new DelegatingSecurityContextRepository(repository, new RequestAttributeSecurityContextRepository())));
    }
}
