package dev.sessionkit.spring;

import org.springframework.context.ApplicationContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.CsrfConfigurer;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.savedrequest.RequestCache;

/**
 * Makes every {@link HttpSecurity} built by Spring Security keep what it puts in the session in a
 * form sessionkit's JSON attributes carry across requests: the login
 * ({@link SessionkitSecurityContextRepository}), the CSRF token ({@link SessionkitCsrfTokenRepository})
 * and the page to return to after login ({@link SessionkitRequestCache}). Spring
 * Security applies it to each {@code HttpSecurity} it creates (it is listed in
 * {@code META-INF/spring.factories}); it does something only when the auto-configuration has
 * defined a {@link SessionkitSecurityContextRepository}.
 *
 * <p>They are installed as soon as the builder exists, before the application's own
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
        SessionkitSecurityContextRepository repository =
                context.getBeanProvider(SessionkitSecurityContextRepository.class).getIfUnique();
        if (repository == null) {
            return; // sessionkit's security integration is off or replaced
        }
        http.setSharedObject(SecurityContextRepository.class,
                new DelegatingSecurityContextRepository(repository, new RequestAttributeSecurityContextRepository()));
        http.setSharedObject(RequestCache.class, new SessionkitRequestCache());
        @SuppressWarnings("unchecked") // getConfigurer takes the raw class; the builder is an HttpSecurity
        CsrfConfigurer<HttpSecurity> csrf = http.getConfigurer(CsrfConfigurer.class);
        if (csrf != null) {
            csrf.csrfTokenRepository(new SessionkitCsrfTokenRepository());
        }
    }
}
