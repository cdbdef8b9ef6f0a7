package dev.sessionkit.spring;

import dev.sessionkit.Session;
import dev.sessionkit.SessionContext;
import dev.sessionkit.servlet.SessionFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.DeferredSecurityContext;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.HttpRequestResponseHolder;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * Keeps Spring Security's login in the sessionkit session: the user's name becomes the session's
 * principal (so "sessions of a user", "log out everywhere" and concurrency control work through
 * the store's principal index) and the granted authorities are stored beside it as JSON.
 *
 * <p>Spring Security's default repository keeps the {@code SecurityContext} object itself in the
 * {@code HttpSession}; sessionkit stores attributes as JSON and hands them back as plain JSON types
 * in later requests, so that object would not survive a request. This repository stores what is
 * needed to rebuild an authenticated token instead: the name and the authority strings. The
 * rebuilt token's principal is the name, not the original {@code UserDetails}.
 *
 * <p>Requests that did not pass through the {@link SessionFilter} have no sessionkit session:
 * for them the context is neither loaded nor saved.
 */
final class SessionkitSecurityContextRepository implements SecurityContextRepository {

    /** The session attribute holding the login. */
    static final String ATTRIBUTE = "sessionkit.security";

    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();
    private final AuthenticationTrustResolver trust = new AuthenticationTrustResolverImpl();

    @Override
    @Deprecated
    public SecurityContext loadContext(HttpRequestResponseHolder requestResponseHolder) {
        return loadDeferredContext(requestResponseHolder.getRequest()).get();
    }

    @Override
    public DeferredSecurityContext loadDeferredContext(HttpServletRequest request) {
        return new Deferred(() -> read(request), holder);
    }

    @Override
    public void saveContext(SecurityContext context, HttpServletRequest request, HttpServletResponse response) {
        Optional<SessionContext> sessions = SessionFilter.context(request);
        if (sessions.isEmpty()) {
            return;
        }
        Authentication authentication = context.getAuthentication();
        if (authentication == null || trust.isAnonymous(authentication) || !authentication.isAuthenticated()) {
            // logged out or never logged in: forget a stored login, create nothing
            sessions.get().session().filter(s -> s.attributeNames().contains(ATTRIBUTE)).ifPresent(s -> {
                s.remove(ATTRIBUTE);
                s.setPrincipal(null);
            });
            return;
        }
        Login login = new Login(authentication.getName(),
                List.copyOf(AuthorityUtils.authorityListToSet(authentication.getAuthorities())));
        Session session = sessions.get().getOrCreate();
        if (!login.equals(session.get(ATTRIBUTE, Login.class).orElse(null))) {
            session.set(ATTRIBUTE, login);
        }
        boolean newLogin = !login.name().equals(session.principal().orElse(null));
        session.setPrincipal(login.name());
        // fixation defence for logins that save the context by hand (REST logins): a session that
        // came with the request and still has its pre-login id gets a new one. Form login has already
        // rotated it through changeSessionId(), which this check sees.
        boolean stillPreLoginId = !session.isNew()
                && sessions.get().requestedHandle().map(session.handle()::equals).orElse(false);
        if (newLogin && stillPreLoginId && !response.isCommitted()) {
            request.changeSessionId();
        }
    }

    @Override
    public boolean containsContext(HttpServletRequest request) {
        return SessionFilter.context(request).flatMap(SessionContext::session)
                .map(s -> s.attributeNames().contains(ATTRIBUTE)).orElse(false);
    }

    private SecurityContext read(HttpServletRequest request) {
        Optional<Session> session = SessionFilter.context(request).flatMap(SessionContext::session);
        Optional<Login> login = session.flatMap(s -> s.get(ATTRIBUTE, Login.class));
        // the principal column is the truth: a login whose principal was changed or cleared since is void
        if (login.isEmpty() || !login.get().name().equals(session.get().principal().orElse(null))) {
            return null;
        }
        List<GrantedAuthority> authorities = AuthorityUtils.createAuthorityList(login.get().authorities());
        SecurityContext context = holder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(login.get().name(), null, authorities));
        return context;
    }

    /** What is stored of a login: the name (also the session's principal) and the authority strings. */
    record Login(String name, List<String> authorities) {

        Login {
            Objects.requireNonNull(name, "name");
            authorities = authorities == null ? List.of() : List.copyOf(authorities);
        }
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
