package dev.sessionkit.spring;

import dev.sessionkit.SessionContext;
import dev.sessionkit.servlet.SessionFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.security.web.savedrequest.SimpleSavedRequest;
import org.springframework.security.web.util.UrlUtils;

/**
 * Remembers, in the sessionkit session, the URL of the page that sent an anonymous user to the
 * login, so the login can send them back. Only the URL is kept (as a string: the default
 * {@code HttpSessionRequestCache} stores a {@code SavedRequest} object, which does not survive
 * sessionkit's JSON attributes); the request is not replayed, so only GETs are remembered.
 */
final class SessionkitRequestCache implements RequestCache {

    static final String ATTRIBUTE = "sessionkit.savedRequest";
    /** The parameter Spring Security adds to the redirect, so only that request looks in the session. */
    private static final String CONTINUE = "continue";

    @Override
    public void saveRequest(HttpServletRequest request, HttpServletResponse response) {
        if (!"GET".equals(request.getMethod())) {
            return;
        }
        SessionFilter.context(request).ifPresent(context -> context.getOrCreate().set(ATTRIBUTE,
                withContinue(UrlUtils.buildFullRequestUrl(request))));
    }

    @Override
    public SavedRequest getRequest(HttpServletRequest request, HttpServletResponse response) {
        return saved(request).map(url -> (SavedRequest) new SimpleSavedRequest(url)).orElse(null);
    }

    /** Forgets the saved URL once the user is back on it; the request itself goes on unchanged. */
    @Override
    public HttpServletRequest getMatchingRequest(HttpServletRequest request, HttpServletResponse response) {
        if (request.getParameter(CONTINUE) != null) {
            removeRequest(request, response);
        }
        return null;
    }

    @Override
    public void removeRequest(HttpServletRequest request, HttpServletResponse response) {
        SessionFilter.context(request).flatMap(SessionContext::session)
                .filter(s -> s.attributeNames().contains(ATTRIBUTE)).ifPresent(s -> s.remove(ATTRIBUTE));
    }

    private static Optional<String> saved(HttpServletRequest request) {
        return SessionFilter.context(request).flatMap(SessionContext::session).flatMap(s -> s.get(ATTRIBUTE, String.class));
    }

    private static String withContinue(String url) {
        return url + (url.contains("?") ? "&" : "?") + CONTINUE;
    }
}
