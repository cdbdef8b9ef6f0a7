package dev.sessionkit.spring;

import dev.sessionkit.SessionLimitMode;
import dev.sessionkit.servlet.SessionFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSource;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.session.SessionRegistryImpl;
import org.springframework.security.web.authentication.session.ConcurrentSessionControlAuthenticationStrategy;

/**
 * Spring Security's {@code maximumSessions} / {@code maxSessionsPreventsLogin}, made race-free:
 * the strategy Spring Security configured runs first, unchanged (its check through the
 * {@code SessionRegistry} answers a refused login with Spring's own error, and ends older
 * sessions), and then the limit it was configured with, per user, is handed to sessionkit for this
 * login ({@code SessionContext.limitLogin}), which the store enforces atomically when the login is
 * saved. Two logins racing past Spring's count therefore still leave at most the limit; with
 * {@code maxSessionsPreventsLogin} the later one is answered by the servlet filter's
 * {@code LoginRefusedHandler}.
 *
 * <p>Spring Security keeps the limit and the flag private; they are read once, with reflection, from
 * the strategy it built ({@code getMaximumSessionsForThisUser} is called on it, so a subclass with
 * per-user limits keeps them). Should that fail on another Spring Security version, the strategy
 * is used as it is and one WARN says the limit is not enforced atomically.
 */
final class SessionkitConcurrentSessionControl extends ConcurrentSessionControlAuthenticationStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(SessionkitConcurrentSessionControl.class);

    private final ConcurrentSessionControlAuthenticationStrategy configured;
    private final Method maximumForUser;
    private final Field preventsLogin;

    private SessionkitConcurrentSessionControl(ConcurrentSessionControlAuthenticationStrategy configured,
            Method maximumForUser, Field preventsLogin) {
        // the registry of this instance is never used: every call goes to the configured strategy
        super(new SessionRegistryImpl());
        this.configured = configured;
        this.maximumForUser = maximumForUser;
        this.preventsLogin = preventsLogin;
    }

    /** The strategy to use instead of {@code configured}: a wrapper, or {@code configured} itself when reflection fails. */
    static ConcurrentSessionControlAuthenticationStrategy wrap(ConcurrentSessionControlAuthenticationStrategy configured) {
        if (configured instanceof SessionkitConcurrentSessionControl) {
            return configured;
        }
        try {
            Method maximum = ConcurrentSessionControlAuthenticationStrategy.class
                    .getDeclaredMethod("getMaximumSessionsForThisUser", Authentication.class);
            maximum.setAccessible(true);
            Field prevents = ConcurrentSessionControlAuthenticationStrategy.class.getDeclaredField("exceptionIfMaximumExceeded");
            prevents.setAccessible(true);
            prevents.getBoolean(configured);
            return new SessionkitConcurrentSessionControl(configured, maximum, prevents);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("sessionkit: Spring Security's maximumSessions could not be read ({}); it works as Spring Security"
                    + " implements it, which parallel logins can exceed", e.toString());
            return configured;
        }
    }

    @Override
    public void onAuthentication(Authentication authentication, HttpServletRequest request, HttpServletResponse response) {
        configured.onAuthentication(authentication, request, response);
        int max;
        boolean refuse;
        try {
            max = (Integer) maximumForUser.invoke(configured, authentication);
            refuse = preventsLogin.getBoolean(configured);
        } catch (ReflectiveOperationException e) {
            LOG.debug("sessionkit: the per-user session limit could not be read", e);
            return;
        }
        if (max > 0) {
            SessionLimitMode mode = refuse ? SessionLimitMode.REFUSE_NEW : SessionLimitMode.REPLACE_OLDEST;
            SessionFilter.context(request).ifPresent(context -> context.limitLogin(max, mode));
        }
    }

    @Override
    public void setMaximumSessions(int maximumSessions) {
        configured.setMaximumSessions(maximumSessions);
    }

    @Override
    public void setExceptionIfMaximumExceeded(boolean exceptionIfMaximumExceeded) {
        configured.setExceptionIfMaximumExceeded(exceptionIfMaximumExceeded);
    }

    @Override
    public void setMessageSource(MessageSource messageSource) {
        configured.setMessageSource(messageSource);
    }
}
