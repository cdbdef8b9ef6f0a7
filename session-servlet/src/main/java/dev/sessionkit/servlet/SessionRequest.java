package dev.sessionkit.servlet;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;

/**
 * The request the chain sees: the session methods are served from the request's
 * {@link RequestSession}, never from the container's session manager.
 */
final class SessionRequest extends HttpServletRequestWrapper {

    private final RequestSession state;

    SessionRequest(HttpServletRequest request, RequestSession state) {
        super(request);
        this.state = state;
    }

    /** True when {@code request} is, or wraps, a {@code SessionRequest}. */
    static boolean isInside(ServletRequest request) {
        for (ServletRequest r = request; r != null; ) {
            if (r instanceof SessionRequest) {
                return true;
            }
            r = r instanceof ServletRequestWrapper wrapper ? wrapper.getRequest() : null;
        }
        return false;
    }

    @Override
    public HttpSession getSession(boolean create) {
        return state.getSession(create);
    }

    @Override
    public HttpSession getSession() {
        return state.getSession(true);
    }

    @Override
    public String changeSessionId() {
        return state.changeSessionId();
    }

    /** The handle of the session the cookie named, when its signature verified; never the cookie value. */
    @Override
    public String getRequestedSessionId() {
        return state.context().requestedHandle().orElse(null);
    }

    @Override
    public boolean isRequestedSessionIdValid() {
        return state.requestedSessionValid();
    }

    @Override
    public boolean isRequestedSessionIdFromCookie() {
        return state.context().requestedHandle().isPresent();
    }

    @Override
    public boolean isRequestedSessionIdFromURL() {
        return false;
    }
}
