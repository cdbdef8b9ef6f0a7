package dev.sessionkit.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/**
 * The request the chain sees: the session methods are served from the request's
 * {@link RequestSession}, never from the container's session manager.
 */
final class SessionRequest extends HttpServletRequestWrapper {

    private final SessionResponse response;
    private final RequestSession state;
    private SessionAsyncContext async;

    SessionRequest(HttpServletRequest request, SessionResponse response, RequestSession state) {
        super(request);
        this.response = response;
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

    /**
     * Starts async processing with this request and its session-aware response (the container's
     * default would hand the async code its own objects, and its own session manager).
     */
    @Override
    public AsyncContext startAsync() {
        return async(super.startAsync(this, response));
    }

    @Override
    public AsyncContext startAsync(ServletRequest servletRequest, ServletResponse servletResponse) {
        return async(super.startAsync(servletRequest, servletResponse));
    }

    @Override
    public AsyncContext getAsyncContext() {
        AsyncContext context = super.getAsyncContext();
        return context == null ? null : async(context);
    }

    private AsyncContext async(AsyncContext context) {
        if (async == null || !async.wraps(context)) {
            async = new SessionAsyncContext(context, state);
        }
        return async;
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

    /** A container login changes privilege: the session, if any, gets a new id (fixation defence). */
    @Override
    public void login(String username, String password) throws ServletException {
        super.login(username, password);
        rotateAfterLogin();
    }

    /** As {@link #login(String, String)}, for container authentication. */
    @Override
    public boolean authenticate(HttpServletResponse response) throws IOException, ServletException {
        boolean authenticated = super.authenticate(response);
        if (authenticated) {
            rotateAfterLogin();
        }
        return authenticated;
    }

    private void rotateAfterLogin() {
        if (state.getSession(false) != null) {
            state.changeSessionId();
        }
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
        return state.context().requestedHandle().isPresent() && !state.context().requestedViaHeader();
    }

    @Override
    public boolean isRequestedSessionIdFromURL() {
        return false;
    }
}
