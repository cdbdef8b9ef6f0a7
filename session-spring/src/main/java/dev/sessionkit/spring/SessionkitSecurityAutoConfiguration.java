package dev.sessionkit.spring;

import dev.sessionkit.SessionManager;
import dev.sessionkit.servlet.SessionFilter;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.jackson2.SecurityJackson2Modules;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * Spring Security on sessionkit: the {@code SecurityContext} is kept in the session by Spring
 * Security's own repository, with Spring Security's Jackson modules registered so its types
 * round-trip, and its user becomes the session's principal (through
 * {@link SessionkitSecurityContextRepository}, installed into every {@code HttpSecurity} by
 * {@link SessionkitHttpConfigurer}); a {@link SessionRegistry} reads the principal index, which
 * {@code maximumSessions} picks up by itself.
 *
 * <p>Session fixation protection and logout need nothing here: Spring Security's defaults call
 * {@code changeSessionId()} and {@code invalidate()}, which the {@link SessionFilter} serves.
 */
@AutoConfiguration(after = SessionkitAutoConfiguration.class, before = SecurityAutoConfiguration.class)
@ConditionalOnClass({ SessionFilter.class, SecurityContextRepository.class, AbstractHttpConfigurer.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(SessionManager.class)
public final class SessionkitSecurityAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(SecurityContextRepository.class)
    SessionkitSecurityContextRepository sessionkitSecurityContextRepository() {
        return new SessionkitSecurityContextRepository();
    }

    /**
     * Spring Security's Jackson modules (core, web, OAuth2 client, SAML2, WebAuthn: whichever are on
     * the class path), so an {@code Authentication}, a saved request, a CSRF token and an OAuth2
     * authorization request keep their exact types in the session.
     */
    @Bean
    SessionManagerCustomizer sessionkitSecurityTypes() {
        ClassLoader loader = SessionkitSecurityAutoConfiguration.class.getClassLoader();
        return builder -> {
            SecurityJackson2Modules.getModules(loader).forEach(builder::attributeModule);
            builder.allowAttributeTypes(SECURITY_TYPES);
        };
    }

    /** Classes Spring Security stores in sessions that no module gives a mix-in (its own allow-list names them). */
    static final String[] SECURITY_TYPES = { "org.springframework.security.core.context.SecurityContextImpl" };

    @Bean
    @ConditionalOnMissingBean(SessionRegistry.class)
    SessionkitSessionRegistry sessionkitSessionRegistry(SessionManager manager, ObjectProvider<Clock> clocks) {
        return new SessionkitSessionRegistry(manager, Clocks.of(clocks));
    }
}
