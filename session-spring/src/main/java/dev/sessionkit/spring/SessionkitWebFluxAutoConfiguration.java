package dev.sessionkit.spring;

import dev.sessionkit.SessionManager;
import dev.sessionkit.webflux.SessionCommitWebFilter;
import dev.sessionkit.webflux.SessionWebExceptionHandler;
import dev.sessionkit.webflux.SessionkitWebSessionManager;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.web.reactive.WebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.jackson2.SecurityJackson2Modules;
import org.springframework.util.ClassUtils;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import org.springframework.web.server.session.WebSessionManager;

/**
 * In a reactive web application (Spring WebFlux) with {@code session-webflux} on the class path:
 * the {@link SessionkitWebSessionManager} as the {@code webSessionManager} bean, so
 * {@code ServerWebExchange.getSession()}, and everything built on it (Spring Security's
 * {@code WebSessionServerSecurityContextRepository}, {@code WebSessionServerCsrfTokenRepository},
 * session fixation protection through {@code changeSessionId()}), runs on the same
 * {@link SessionManager}, settings and store as the servlet side; and the
 * {@link SessionWebExceptionHandler} that answers 503 when the store is down.
 *
 * <p>Store calls run on Reactor's {@code boundedElastic()} scheduler, or inline for the memory
 * store, which does not block (see {@link SessionkitWebSessionManager}). With Spring Security on
 * the class path, its Jackson modules are registered so a {@code SecurityContext} and its
 * principal keep their exact types, and the session's principal follows the stored
 * {@code SecurityContext} ({@link ReactiveSecurityPrincipal}), so "sessions of a user",
 * "sign out everywhere" and {@code SESSION_MAX_PER_USER} see reactive logins. Every bean backs off when the application defines its own
 * ({@code WebSessionManager} of any kind).
 */
@AutoConfiguration(after = SessionkitAutoConfiguration.class, before = WebFluxAutoConfiguration.class)
@ConditionalOnClass({ SessionkitWebSessionManager.class, WebSessionManager.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnBean(SessionManager.class)
public final class SessionkitWebFluxAutoConfiguration {

    private static final String SECURITY_CONTEXT_REPOSITORY =
            "org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository";

    /** Named as WebFlux looks it up; WebFlux's own (in-memory) manager backs off. */
    @Bean(name = WebHttpHandlerBuilder.WEB_SESSION_MANAGER_BEAN_NAME)
    @ConditionalOnMissingBean(WebSessionManager.class)
    SessionkitWebSessionManager sessionkitWebSessionManager(SessionManager manager) {
        SessionkitWebSessionManager.Builder builder = SessionkitWebSessionManager.builder(manager);
        if (ClassUtils.isPresent(SECURITY_CONTEXT_REPOSITORY, SessionkitWebFluxAutoConfiguration.class.getClassLoader())) {
            ReactiveSecurityPrincipal.follow(builder);
        }
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    SessionWebExceptionHandler sessionkitWebExceptionHandler() {
        return new SessionWebExceptionHandler();
    }

    /** Commits the session before the body, so a refused login or a failing store decides the status. */
    @Bean
    @ConditionalOnMissingBean
    SessionCommitWebFilter sessionkitCommitWebFilter() {
        return new SessionCommitWebFilter();
    }

    /** Spring Security's types in sessions, as {@link SessionkitSecurityAutoConfiguration} registers them for servlets. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(SecurityJackson2Modules.class)
    static class SecurityTypesConfiguration {

        @Bean
        SessionManagerCustomizer sessionkitReactiveSecurityTypes() {
            ClassLoader loader = SessionkitWebFluxAutoConfiguration.class.getClassLoader();
            return builder -> {
                SecurityJackson2Modules.getModules(loader).forEach(builder::attributeModule);
                builder.allowAttributeTypes(SessionkitSecurityAutoConfiguration.SECURITY_TYPES);
            };
        }
    }
}
