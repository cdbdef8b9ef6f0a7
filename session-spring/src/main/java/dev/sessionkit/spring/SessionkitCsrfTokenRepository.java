package dev.sessionkit.spring;

import dev.sessionkit.Session;
import dev.sessionkit.SessionContext;
import dev.sessionkit.servlet.SessionFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import java.util.UUID;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.DefaultCsrfToken;

/**
 * Spring Security's CSRF token kept in the sessionkit session as a string. The default
 * {@code HttpSessionCsrfTokenRepository} stores a {@code CsrfToken} object, which sessionkit's JSON
 * attributes hand back as a map in the next request. Header and parameter names are Spring
 * Security's defaults. Without a {@link SessionFilter} in front, it keeps nothing.
 */
final class SessionkitCsrfTokenRepository implements CsrfTokenRepository {

    static final String ATTRIBUTE = "sessionkit.csrf";
    private static final String HEADER = "X-CSRF-TOKEN";
    private static final String PARAMETER = "_csrf";

    @Override
    public CsrfToken generateToken(HttpServletRequest request) {
        return new DefaultCsrfToken(HEADER, PARAMETER, UUID.randomUUID().toString());
    }

    @Override
    public void saveToken(CsrfToken token, HttpServletRequest request, HttpServletResponse response) {
        Optional<SessionContext> context = SessionFilter.context(request);
        if (context.isEmpty()) {
            return;
        }
        if (token == null) {
            context.get().session().filter(s -> s.attributeNames().contains(ATTRIBUTE)).ifPresent(s -> s.remove(ATTRIBUTE));
            return;
        }
        Session session = context.get().getOrCreate();
        if (!token.getToken().equals(session.get(ATTRIBUTE, String.class).orElse(null))) {
            session.set(ATTRIBUTE, token.getToken());
        }
    }

    @Override
    public CsrfToken loadToken(HttpServletRequest request) {
        return SessionFilter.context(request).flatMap(SessionContext::session)
                .flatMap(s -> s.get(ATTRIBUTE, String.class))
                .map(token -> (CsrfToken) new DefaultCsrfToken(HEADER, PARAMETER, token))
                .orElse(null);
    }
}
