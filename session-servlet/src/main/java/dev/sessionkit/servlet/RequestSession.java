package dev.sessionkit.servlet;

import dev.sessionkit.CommitResult;
import dev.sessionkit.Session;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.StoreUnavailableException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session state of one servlet request: the core's {@link SessionContext}, the
 * {@link HttpSession} adapter handed out for it, and the commit that writes the store and adds the
 * cookie (and the session header) to the container's response. Kept as a request attribute, so forward, include, error and
 * async dispatches of the same request share it.
 *
 * <p>Used by the request's thread, then by the async thread that continues it; commits are
 * serialized, so a {@code complete()} and the container's completion callback never write twice.
 */
final class RequestSession {

    private static final Logger LOG = LoggerFactory.getLogger(RequestSession.class);

    private final SessionManager manager;
    private final SessionContext context;
    private final ServletListeners listeners;
    private final ServletContext servletContext;
    private final StoreUnavailableHandler onFailure;
    private LoginRefusedHandler onLoginRefused = LoginRefusedHandler.json();
    private boolean loginRefused;
    private HttpServletRequest request;
    private HttpServletResponse response;
    private ServletSession httpSession;
    private StoreUnavailableException failure;
    private String sentCookie;
    private boolean sentNoStore;
    private CommitResult.Header sentHeader;

    RequestSession(SessionManager manager, SessionContext context, ServletListeners listeners,
            ServletContext servletContext, HttpServletRequest request, HttpServletResponse response,
            StoreUnavailableHandler onFailure) {
        this.manager = manager;
        this.request = request;
        this.onFailure = onFailure;
        this.context = context;
        this.listeners = listeners;
        this.servletContext = servletContext;
        this.response = response;
        // every session created in this request is announced, whoever creates it (getSession, or
        // the core API through SessionFilter.context, as framework integrations do)
        context.onNewSession(session -> {
            httpSession = new ServletSession(this, session);
            listeners.created(httpSession);
        });
    }

    SessionContext context() {
        return context;
    }

    ServletListeners listeners() {
        return listeners;
    }

    ServletContext servletContext() {
        return servletContext;
    }

    SessionManager manager() {
        return manager;
    }

    /** The container's request and response that cookies go to (a later dispatch may hand other objects). */
    void target(HttpServletRequest containerRequest, HttpServletResponse containerResponse) {
        this.request = containerRequest;
        this.response = containerResponse;
    }

    HttpServletRequest request() {
        return request;
    }

    HttpServletResponse response() {
        return response;
    }

    /**
     * Before {@code AsyncContext.complete()}: commit while the cookie can still be sent; a store
     * failure still becomes the 503.
     */
    void beforeAsyncComplete() {
        if (response.isCommitted()) {
            return;
        }
        try {
            commit();
        } catch (StoreUnavailableException e) {
            try {
                onFailure.handle(request, response, e);
            } catch (java.io.IOException io) {
                LOG.debug("sessionkit: the 503 could not be written", io);
            }
        }
    }

    /** {@code HttpServletRequest.getSession(create)}. */
    HttpSession getSession(boolean create) {
        Session current = context.session().orElse(null);
        if (current != null) {
            if (httpSession == null || !httpSession.backs(current)) {
                httpSession = new ServletSession(this, current);
            }
            return httpSession;
        }
        if (!create) {
            return null;
        }
        if (response.isCommitted()) {
            // the servlet specification's rule: the cookie of a new session could not be sent
            throw new IllegalStateException("cannot create a session after the response has been committed");
        }
        Session created = context.getOrCreate(); // the callback above wraps it and tells the listeners
        if (httpSession == null || !httpSession.backs(created)) {
            httpSession = new ServletSession(this, created);
        }
        return httpSession;
    }

    /** {@code HttpServletRequest.changeSessionId()}. */
    String changeSessionId() {
        HttpSession session = getSession(false);
        if (session == null) {
            throw new IllegalStateException("there is no session to change the id of");
        }
        if (response.isCommitted()) {
            throw new IllegalStateException("cannot change the session id after the response has been committed:"
                    + " the client would keep the old, dead cookie");
        }
        return ((ServletSession) session).changeId();
    }

    /** {@code HttpServletRequest.isRequestedSessionIdValid()}: the requested id still names this request's session. */
    boolean requestedSessionValid() {
        return context.requestedSessionValid()
                && context.session().map(Session::handle).equals(context.requestedHandle());
    }

    /**
     * Writes what changed since the last commit and adds the cookie the manager asks for. After a
     * store failure, every later call throws that failure again, so nothing is sent as if it had
     * been saved.
     *
     * @throws StoreUnavailableException when the store cannot be reached
     */
    synchronized void commit() {
        if (failure != null) {
            throw failure;
        }
        CommitResult result;
        try {
            result = manager.commit(context);
        } catch (StoreUnavailableException e) {
            failure = e;
            throw e;
        }
        send(result);
        if (result.loginRefused()) {
            loginRefused = true;
        }
    }

    void onLoginRefused(LoginRefusedHandler handler) {
        this.onLoginRefused = handler;
    }

    /**
     * When a commit refused this request's login: answers with the refusal instead of what the
     * application was sending (the clearing cookie stays), and returns true. Once per request.
     */
    synchronized boolean answerLoginRefused() throws java.io.IOException {
        if (!loginRefused) {
            return false;
        }
        loginRefused = false;
        if (response.isCommitted()) {
            LOG.warn("sessionkit: a login was refused (per-user session limit) after the response was committed;"
                    + " the session has ended, but the client saw the application's answer");
            return false;
        }
        response.reset();
        afterReset();
        onLoginRefused.handle(request, response);
        response.flushBuffer();
        return true;
    }

    /**
     * The response is about to be committed: write what changed, and when this request created a
     * session that is not stored yet (nothing set so far), send its cookie now, as a container does
     * when it creates a session; the session is stored at the next commit, so attributes set after
     * the body reach the client's next request.
     */
    synchronized void commitBeforeResponse() {
        commit();
        send(manager.newSessionHeaders(context));
    }

    private void send(CommitResult result) {
        result.setCookie().ifPresent(cookie -> send(cookie, result.noStore()));
        result.header().ifPresent(this::send);
    }

    /** The session header: set (replacing an earlier value of this request), with no-store. Its value is never logged. */
    private void send(CommitResult.Header header) {
        if (header.equals(sentHeader)) {
            return;
        }
        if (response.isCommitted()) {
            LOG.warn("sessionkit: the response was committed before the session header {} could be sent; the client"
                    + " keeps its old token. Use the session before writing the body.", header.name());
            return;
        }
        response.setHeader(header.name(), header.value());
        response.setHeader("Cache-Control", "no-store");
        sentHeader = header;
    }

    private void send(String cookie, boolean noStore) {
        if (sentCookie != null && cookieValue(sentCookie).equals(cookieValue(cookie))) {
            return; // this very cookie went out already (before the body, for a new session)
        }
        if (response.isCommitted()) {
            if (sentCookie == null || !cookieValue(sentCookie).equals(cookieValue(cookie))) {
                LOG.warn("sessionkit: the response was committed before the session cookie could be sent; the client"
                        + " keeps its old cookie. Use the session before writing the body.");
            }
            return;
        }
        response.addHeader("Set-Cookie", cookie);
        if (noStore) {
            response.setHeader("Cache-Control", "no-store");
        }
        sentCookie = cookie;
        sentNoStore = noStore;
    }

    /** After {@code response.reset()}: put back the cookie the reset removed. */
    void afterReset() {
        if (sentCookie != null && !response.isCommitted()) {
            response.addHeader("Set-Cookie", sentCookie);
            if (sentNoStore) {
                response.setHeader("Cache-Control", "no-store");
            }
        }
        if (sentHeader != null && !response.isCommitted()) {
            response.setHeader(sentHeader.name(), sentHeader.value());
            response.setHeader("Cache-Control", "no-store");
        }
    }

    /** The filter returned with async processing under way: save what the async part changes when it ends. */
    void commitOnAsyncComplete(AsyncContext async) {
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                try {
                    commit();
                } catch (RuntimeException e) {
                    LOG.warn("sessionkit: session changes made during async processing were not saved ({})",
                            e.getClass().getSimpleName());
                }
            }

            @Override
            public void onTimeout(AsyncEvent event) {
            }

            @Override
            public void onError(AsyncEvent event) {
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                event.getAsyncContext().addListener(this);
            }
        });
    }

    /** The {@code name=value} part of a {@code Set-Cookie} header. */
    private static String cookieValue(String setCookie) {
        int semicolon = setCookie.indexOf(';');
        return semicolon < 0 ? setCookie : setCookie.substring(0, semicolon);
    }
}
