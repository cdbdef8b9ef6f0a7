package dev.sessionkit.spring;

import dev.sessionkit.Session;
import dev.sessionkit.SessionContext;
import dev.sessionkit.servlet.SessionFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.DeferredSecurityContext;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.HttpRequestResponseHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * Spring Security's own {@link HttpSessionSecurityContextRepository}, which keeps the
 * {@code SecurityContext} object in the session (the attribute codec and Spring Security's
 * Jackson modules keep the {@code Authentication}'s exact type and principal), plus what only
 * sessionkit has:
 * <ul>
 *   <li>the user's name becomes the session's principal, so "sessions of a user", "log out
 *       everywhere" and concurrency control work through the store's principal index;</li>
 *   <li>the principal column is the truth: a stored context whose user is no longer the session's
 *       principal (changed or cleared through the core API) is not loaded;</li>
 *   <li>fixation defence for logins that save the context by hand (REST logins): a session that
 *       came with the request and still has its pre-login id gets a new one.</li>
 * </ul>
 * Requests that did not pass through the {@link SessionFilter} are served by the stock repository alone.
 */
final class SessionkitSecurityContextRepository implements SecurityContextRepository {

    private final HttpSessionSecurityContextRepository sessions = new HttpSessionSecurityContextRepository();
    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();
    private final AuthenticationTrustResolver trust = new AuthenticationTrustResolverImpl();

    @Override
    @Deprecated
    public SecurityContext loadContext(HttpRequestResponseHolder requestResponseHolder) {
        return loadDeferredContext(requestResponseHolder.getRequest()).get();
    }

    @Override
    public DeferredSecurityContext loadDeferredContext(HttpServletRequest request) {
        if (SessionFilter.context(request).isEmpty()) {
            return sessions.loadDeferredContext(request);
        }
        return new Deferred(() -> read(request), holder);
    }

    @Override
    public void saveContext(SecurityContext context, HttpServletRequest request, HttpServletResponse response) {
        sessions.saveContext(context, request, response);
        Optional<SessionContext> sessionContext = SessionFilter.context(request);
        if (sessionContext.isEmpty()) {
            return;
        }
        Authentication authentication = context.getAuthentication();
        if (authentication == null || trust.isAnonymous(authentication) || !authentication.isAuthenticated()) {
            sessionContext.get().session().filter(s -> s.principal().isPresent()).ifPresent(s -> s.setPrincipal(null));
            return;
        }
        Optional<Session> current = sessionContext.get().session();
        if (current.isEmpty()) {
            return; // the stock repository created no session (session creation is disabled)
        }
        Session session = current.get();
        String name = authentication.getName();
        boolean newLogin = !name.equals(session.principal().orElse(null));
        session.setPrincipal(name);
        // form login has already rotated the id through changeSessionId(), which this check sees
        boolean stillPreLoginId = !session.isNew()
                && sessionContext.get().requestedHandle().map(session.handle()::equals).orElse(false);
        if (newLogin && stillPreLoginId && !response.isCommitted()) {
            request.changeSessionId();
        }
    }

    @Override
    public boolean containsContext(HttpServletRequest request) {
        return sessions.containsContext(request);
    }

    private SecurityContext read(HttpServletRequest request) {
        HttpSession http = request.getSession(false);
        if (http == null) {
            return null;
        }
        Object stored = http.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);
        if (!(stored instanceof SecurityContext context) || context.getAuthentication() == null) {
            return null;
        }
        Optional<String> principal = SessionFilter.context(request).flatMap(SessionContext::session)
                .flatMap(Session::principal);
        if (!principal.map(context.getAuthentication().getName()::equals).orElse(false)) {
            return null; // signed out or changed through the core API since this context was saved
        }
        return context;
    }

    /** Loads at most once, on first use; an absent login yields an empty, generated context. */
    private static final class Deferred implements DeferredSecurityContext {

        private final Supplier<SecurityContext> loader;
        private final SecurityContextHolderStrategy holder;
        private SecurityContext context;
        private boolean generated;

        Deferred(Supplier<SecurityContext> loader, SecurityContextHolderStrategy holder) {
            this.loader = loader;
            this.holder = holder;
        }

        @Override
        public SecurityContext get() {
            if (context == null) {
                context = loader.get();
                if (context == null) {
                    context = holder.createEmptyContext();
                    generated = true;
                }
            }
            return context;
        }

        @Override
        public boolean isGenerated() {
            get();
            return generated;
        }
    }
}
