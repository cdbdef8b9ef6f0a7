package dev.sessionkit.spring;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionStatus;
import java.security.Principal;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.springframework.security.core.AuthenticatedPrincipal;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * Spring Security's {@link SessionRegistry} as a view on sessionkit's principal index, so
 * {@code sessionManagement().maximumSessions(n)} works across instances and restarts with no
 * registry of its own. Session ids here are sessionkit handles ({@code HttpSession.getId()}).
 *
 * <p>Registration calls are no-ops: the principal is recorded in the store when the login is
 * saved, by {@link SessionkitSecurityContextRepository}. Expiring a session
 * ({@link SessionInformation#expireNow()}) revokes it in the store at once, so the user's other
 * request is anonymous from its next request on, on every instance.
 */
final class SessionkitSessionRegistry implements SessionRegistry {

    /** A bound for {@link #getAllPrincipals()}, which has to scan live sessions. */
    static final int PRINCIPAL_SCAN_LIMIT = 10_000;

    private final SessionManager manager;
    private final Clock clock;

    SessionkitSessionRegistry(SessionManager manager, Clock clock) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The principals of at most {@value #PRINCIPAL_SCAN_LIMIT} live sessions, as names. */
    @Override
    public List<Object> getAllPrincipals() {
        Set<Object> principals = new LinkedHashSet<>();
        for (SessionData session : manager.store().findLive(clock.instant(), PRINCIPAL_SCAN_LIMIT)) {
            if (session.principal() != null) {
                principals.add(session.principal());
            }
        }
        return List.copyOf(principals);
    }

    /**
     * The live sessions of {@code principal}; ended and expired ones are gone from sessionkit's
     * index. The list is mutable: Spring Security sorts it in place.
     */
    @Override
    public List<SessionInformation> getAllSessions(Object principal, boolean includeExpiredSessions) {
        List<SessionInformation> sessions = new ArrayList<>();
        for (SessionData session : manager.sessionsOf(nameOf(principal))) {
            sessions.add(new Revocable(principal, session, manager));
        }
        return sessions;
    }

    @Override
    public SessionInformation getSessionInformation(String sessionId) {
        if (!LookupKey.isWellFormed(sessionId)) {
            return null;
        }
        return manager.store().load(new LookupKey(sessionId), clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .filter(session -> session.principal() != null)
                .map(session -> (SessionInformation) new Revocable(session.principal(), session, manager))
                .orElse(null);
    }

    @Override
    public void refreshLastRequest(String sessionId) {
        // sessionkit tracks access itself, at the touch interval
    }

    @Override
    public void registerNewSession(String sessionId, Object principal) {
        // the principal reaches the store with the saved login
    }

    @Override
    public void removeSessionInformation(String sessionId) {
        // an ended session leaves the principal index by itself
    }

    /** The name Spring Security's own tokens give a principal (as {@code AbstractAuthenticationToken.getName()}). */
    static String nameOf(Object principal) {
        Objects.requireNonNull(principal, "principal");
        if (principal instanceof UserDetails user) {
            return user.getUsername();
        }
        if (principal instanceof AuthenticatedPrincipal authenticated) {
            return authenticated.getName();
        }
        if (principal instanceof Principal javaPrincipal) {
            return javaPrincipal.getName();
        }
        return principal.toString();
    }

    /** Session information whose {@link #expireNow()} revokes the session in the store. */
    private static final class Revocable extends SessionInformation {

        private static final long serialVersionUID = 1L;

        private final transient SessionManager manager;

        Revocable(Object principal, SessionData session, SessionManager manager) {
            super(principal, session.key().value(), Date.from(session.lastAccessedAt()));
            this.manager = manager;
        }

        @Override
        public void expireNow() {
            manager.revoke(getSessionId(), SessionStatus.REVOKED);
            super.expireNow();
        }
    }
}
