package dev.sessionkit.spring;

import dev.sessionkit.webflux.SessionkitWebSessionManager;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;

/**
 * Spring Security WebFlux signs a user in by storing the {@code SecurityContext} in the session
 * ({@link WebSessionServerSecurityContextRepository}, attribute {@code SPRING_SECURITY_CONTEXT}),
 * and signs out by removing it. This makes the session's principal follow that attribute: an
 * authenticated, non-anonymous {@code Authentication} gives its name, anything else none. The
 * servlet side does the same in its security context repository. A repository configured with
 * another attribute name is not followed.
 */
final class ReactiveSecurityPrincipal {

    private static final AuthenticationTrustResolver TRUST = new AuthenticationTrustResolverImpl();

    private ReactiveSecurityPrincipal() {
    }

    static void follow(SessionkitWebSessionManager.Builder builder) {
        builder.principalAttribute(WebSessionServerSecurityContextRepository.DEFAULT_SPRING_SECURITY_CONTEXT_ATTR_NAME,
                ReactiveSecurityPrincipal::userOf);
    }

    static String userOf(Object value) {
        if (!(value instanceof SecurityContext context)) {
            return null;
        }
        Authentication authentication = context.getAuthentication();
        if (authentication == null || !authentication.isAuthenticated() || TRUST.isAnonymous(authentication)) {
            return null;
        }
        return authentication.getName();
    }
}
