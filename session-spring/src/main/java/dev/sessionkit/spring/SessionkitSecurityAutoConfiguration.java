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
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * Spring Security on sessionkit: the login is kept in the session as its principal (through
 * {@link SessionkitSecurityContextRepository}, installed into every {@code HttpSecurity} by
 * {@link SessionkitHttpConfigurer}), and a {@link SessionRegistry} reads the principal index, which
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

    @Bean
    @ConditionalOnMissingBean(SessionRegistry.class)
    SessionkitSessionRegistry sessionkitSessionRegistry(SessionManager manager, ObjectProvider<Clock> clocks) {
        return new SessionkitSessionRegistry(manager, Clocks.of(clocks));
    }
}
