package dev.sessionkit.servlet;

import dev.sessionkit.RequestInfo;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.StoreUnavailableException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.EventListener;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A servlet {@link Filter} that serves {@code HttpServletRequest.getSession()} from a
 * {@link SessionManager}, so every servlet, JSP and framework behind it uses sessionkit without a
 * code change, and the container's own session manager is never asked.
 *
 * <p>Per request, the filter:
 * <ul>
 *   <li>resolves the session cookie before the chain runs; when the store is unavailable, the
 *       chain does not run and the {@link StoreUnavailableHandler} answers (default: 503 with a
 *       small JSON body);</li>
 *   <li>wraps the request, so {@code getSession}, {@code changeSessionId} and the
 *       {@code getRequestedSessionId} family are sessionkit's, and the {@code HttpSession} it hands
 *       out stores attributes as JSON through {@link dev.sessionkit.Session};</li>
 *   <li>wraps the response, so the session is committed, and its {@code Set-Cookie} added, before
 *       the response can be committed: on {@code flushBuffer}, {@code sendRedirect},
 *       {@code sendError}, writer or stream flush and close, and before the body reaches the
 *       buffer size or the declared content length. A response that sets or clears the cookie
 *       gets {@code Cache-Control: no-store};</li>
 *   <li>with {@code SESSION_HEADER} set, reads the signed session id from that request header too
 *       (it then decides alone, over the cookie) and sets that response header, before the response
 *       commits, when a session is created, gets a new id (an empty value when it ends), again with
 *       {@code Cache-Control: no-store};</li>
 *   <li>commits again when the chain returns, writing only what changed since; when the request
 *       went async, the async side commits instead: before {@code AsyncContext.complete()}, on a
 *       flush, or when an async dispatch returns through the filter.</li>
 * </ul>
 * A store failure at any of these points, while the response is not yet committed, becomes the
 * 503; an exception of the application's own is left to the container (the session is still
 * committed first).
 *
 * <p><b>Attribute values.</b> {@code getAttribute} returns the class that was set, in this request
 * and in later ones, for the allowed attribute types: JDK values and collections, the
 * application's packages named in {@code SESSION_ATTRIBUTE_TYPES}, and types of Jackson modules
 * registered with the manager. {@code setAttribute} converts the value to JSON at once, so a value
 * that cannot be stored fails there with {@link dev.sessionkit.AttributeSerializationException}
 * naming the attribute, the class and the reason (not allowed, too large, cannot be read back).
 * Within a request the same instance comes back, and a value changed in place is saved at commit.
 *
 * <p><b>Listeners.</b> The servlet API gives a filter no way to find the listeners declared to the
 * container, so {@link HttpSessionListener}, {@link HttpSessionAttributeListener} and
 * {@link HttpSessionIdListener} are handed to {@link Builder#listener(EventListener)}.
 * {@code HttpSessionBindingListener} values are told when they are bound, replaced, removed or
 * invalidated through this {@code HttpSession}; a session that ends by expiry or on another
 * instance does not unbind them (they are rebuilt from JSON, not kept alive between requests).
 * {@code sessionCreated} is sent for every session a request creates, through {@code getSession}
 * or the core API; {@code sessionDestroyed} when
 * {@code invalidate()} is called (with the session's attributes), and for sessions that end outside
 * a request: expired and purged by the sweeper, revoked or replaced, and — with a store that
 * delivers other instances' events (PostgreSQL) — ended on another instance. Those come on the
 * sweeper's or the store's thread, with an {@code HttpSession} that knows only its id (the
 * handle): no attributes.
 *
 * <p>Map it first, to {@code /*}, for the {@code REQUEST}, {@code ASYNC}, {@code ERROR},
 * {@code FORWARD} and {@code INCLUDE} dispatches ({@link #register(ServletContext, SessionManager)}
 * does that); nested dispatches share the outer request's session. The filter does not close the
 * manager. Thread-safe.
 */
public final class SessionFilter implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(SessionFilter.class);

    /** The request attribute under which the request's session state is kept. */
    static final String STATE_ATTRIBUTE = SessionFilter.class.getName() + ".state";

    /** The name {@link #register} gives the filter. */
    public static final String FILTER_NAME = "sessionkit";

    private final SessionManager manager;
    private final StoreUnavailableHandler unavailableHandler;
    private final LoginRefusedHandler loginRefusedHandler;
    private final ServletListeners listeners;
    private final AutoCloseable endings;
    private volatile ServletContext servletContext;

    private SessionFilter(Builder b) {
        this.manager = b.manager;
        this.unavailableHandler = b.unavailableHandler;
        this.loginRefusedHandler = b.loginRefusedHandler;
        this.listeners = new ServletListeners(b.listeners);
        this.endings = listeners.wantsSessionEvents() ? manager.addListener(new Endings()) : null;
    }

    /**
     * Tells the servlet listeners of sessions that ended outside a request's {@code invalidate()}:
     * purged by the sweeper, revoked or replaced here, or ended on another instance (with a store
     * that delivers events of other instances). A logout through {@code invalidate()} was told by
     * the request itself, with its attributes, so {@link dev.sessionkit.SessionStatus#LOGGED_OUT}
     * ends of this instance are not told again.
     */
    private final class Endings implements dev.sessionkit.SessionListener {

        @Override
        public void sessionExpired(dev.sessionkit.LookupKey key) {
            listeners.destroyed(new EndedSession(key, servletContext));
        }

        @Override
        public void sessionDestroyed(dev.sessionkit.LookupKey key, dev.sessionkit.SessionStatus reason) {
            if (reason != dev.sessionkit.SessionStatus.LOGGED_OUT) {
                listeners.destroyed(new EndedSession(key, servletContext));
            }
        }

        @Override
        public void sessionEndedElsewhere(dev.sessionkit.LookupKey key, dev.sessionkit.SessionStatus reason) {
            listeners.destroyed(new EndedSession(key, servletContext));
        }
    }

    @Override
    public void init(jakarta.servlet.FilterConfig config) {
        this.servletContext = config.getServletContext();
    }

    /** Stops telling the servlet listeners of sessions that end; the manager stays open. */
    @Override
    public void destroy() {
        if (endings != null) {
            try {
                endings.close();
            } catch (Exception e) {
                LOG.debug("sessionkit: removing the filter's session listener failed", e);
            }
        }
    }

    /** A filter with the default JSON 503 handler and no servlet listeners. */
    public static SessionFilter of(SessionManager manager) {
        return builder(manager).build();
    }

    /** A builder for a filter on {@code manager}. */
    public static Builder builder(SessionManager manager) {
        return new Builder(manager);
    }

    /**
     * Adds a filter on {@code manager} to a servlet context that is being initialized (from a
     * {@code ServletContainerInitializer} or a {@code ServletContextListener}), as the first filter
     * on {@code /*} for every dispatch type.
     *
     * @throws IllegalStateException when the context is already initialized, or a filter named
     *     {@value #FILTER_NAME} is already registered
     */
    public static FilterRegistration.Dynamic register(ServletContext servletContext, SessionManager manager) {
        return register(servletContext, of(manager));
    }

    /** Like {@link #register(ServletContext, SessionManager)}, with a filter built by {@link #builder}. */
    public static FilterRegistration.Dynamic register(ServletContext servletContext, SessionFilter filter) {
        Objects.requireNonNull(servletContext, "servletContext");
        Objects.requireNonNull(filter, "filter");
        FilterRegistration.Dynamic registration = servletContext.addFilter(FILTER_NAME, filter);
        if (registration == null) {
            throw new IllegalStateException("a filter named '" + FILTER_NAME + "' is already registered");
        }
        registration.setAsyncSupported(true);
        registration.addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
        LOG.info("sessionkit: session filter registered on /* (store {})", filter.manager.store().name());
        return registration;
    }

    /**
     * The sessionkit state of a request that passed through a {@code SessionFilter}: the way to
     * the full {@link dev.sessionkit.Session} API ({@code increment}, {@code login}, typed
     * {@code get}). Changes made through it are committed like those made through
     * {@code HttpSession}.
     *
     * @return the context, or empty when no {@code SessionFilter} handled {@code request}
     */
    public static Optional<SessionContext> context(ServletRequest request) {
        Object state = Objects.requireNonNull(request, "request").getAttribute(STATE_ATTRIBUTE);
        return state instanceof RequestSession session ? Optional.of(session.context()) : Optional.empty();
    }

    /** The manager this filter serves sessions from. */
    public SessionManager manager() {
        return manager;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        Object existing = request.getAttribute(STATE_ATTRIBUTE);
        if (existing instanceof RequestSession state) {
            redispatch(state, request, response, chain);
            return;
        }
        RequestSession state;
        try {
            state = new RequestSession(manager, manager.resolve(requestInfo(request)), listeners,
                    request.getServletContext(), request, response, this::unavailable);
        } catch (StoreUnavailableException e) {
            unavailable(request, response, e);
            return;
        }
        state.onLoginRefused(loginRefusedHandler);
        request.setAttribute(STATE_ATTRIBUTE, state);
        run(state, request, response, chain, true);
    }

    /** A later dispatch of a request this filter has seen: it serves the same session. */
    private void redispatch(RequestSession state, HttpServletRequest request, HttpServletResponse response,
            FilterChain chain) throws IOException, ServletException {
        boolean wrapped = SessionRequest.isInside(request);
        DispatcherType type = request.getDispatcherType();
        if (wrapped && (type == DispatcherType.FORWARD || type == DispatcherType.INCLUDE)) {
            chain.doFilter(request, response); // the outer dispatch commits
            return;
        }
        // an async or error dispatch: with our wrappers (async dispatch of a wrapped context) or
        // the container's own objects (error pages, plain async dispatch); either way, commit after
        run(state, request, response, chain, !wrapped);
    }

    private void run(RequestSession state, HttpServletRequest request, HttpServletResponse response, FilterChain chain,
            boolean wrap) throws IOException, ServletException {
        HttpServletRequest chainRequest = request;
        HttpServletResponse chainResponse = response;
        if (wrap) {
            state.target(request, response);
            SessionResponse wrappedResponse = new SessionResponse(response, state);
            chainResponse = wrappedResponse;
            chainRequest = new SessionRequest(request, wrappedResponse, state);
        }
        try {
            chain.doFilter(chainRequest, chainResponse);
        } catch (IOException | ServletException | RuntimeException | Error e) {
            StoreUnavailableException down = storeFailure(e);
            if (down == null) {
                commitAfterFailure(state, e);
                throw e;
            }
            unavailable(state.request(), state.response(), down);
            return;
        }
        if (request.isAsyncStarted()) {
            // the async part may be using the session on another thread right now: it commits
            // before complete(), on flush, or when an async dispatch comes back through here
            state.commitOnAsyncComplete(request.getAsyncContext());
            return;
        }
        try {
            state.commit();
            state.answerLoginRefused();
        } catch (StoreUnavailableException e) {
            unavailable(state.request(), state.response(), e);
        }
    }

    /** The chain threw something other than a store failure: save what it changed, keep its exception. */
    private static void commitAfterFailure(RequestSession state, Throwable failure) {
        try {
            state.commit();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private void unavailable(HttpServletRequest request, HttpServletResponse response, StoreUnavailableException e)
            throws IOException {
        if (response.isCommitted()) {
            LOG.warn("sessionkit: the session store is unavailable ({}) and the response was already committed;"
                    + " the session changes of this request are lost", e.operation());
            return;
        }
        LOG.warn("sessionkit: the session store is unavailable during {}: {}; answering 503", e.operation(),
                e.getMessage());
        LOG.debug("sessionkit: store failure detail", e);
        response.reset();
        unavailableHandler.handle(request, response, e);
        response.flushBuffer();
    }

    private static StoreUnavailableException storeFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StoreUnavailableException down) {
                return down;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private RequestInfo requestInfo(HttpServletRequest request) {
        RequestInfo.Builder info = RequestInfo.builder().cookieHeaders(headers(request, "Cookie"))
                .secure(request.isSecure()).remoteAddress(request.getRemoteAddr())
                .userAgent(request.getHeader("User-Agent")).forwardedProto(request.getHeader("X-Forwarded-Proto"))
                .forwardedFor(request.getHeader("X-Forwarded-For"));
        String sessionHeader = manager.settings().sessionHeader();
        if (sessionHeader != null) {
            List<String> values = headers(request, sessionHeader);
            // several lines are joined as HTTP combines them; no valid token matches that
            info.sessionHeader(values.isEmpty() ? null : String.join(",", values));
        }
        return info.build();
    }

    private static List<String> headers(HttpServletRequest request, String name) {
        java.util.Enumeration<String> values = request.getHeaders(name);
        return values == null ? List.of() : Collections.list(values);
    }

    @Override
    public String toString() {
        return "SessionFilter[store=" + manager.store().name() + "]";
    }

    /** Builds a {@link SessionFilter}. Not thread-safe. */
    public static final class Builder {

        private final SessionManager manager;
        private StoreUnavailableHandler unavailableHandler = StoreUnavailableHandler.json();
        private boolean handlerSet;
        private LoginRefusedHandler loginRefusedHandler = LoginRefusedHandler.json();
        private final List<EventListener> listeners = new ArrayList<>();

        private Builder(SessionManager manager) {
            this.manager = Objects.requireNonNull(manager, "manager");
        }

        /**
         * What a client gets when the store is unavailable; default {@link StoreUnavailableHandler#json()}.
         *
         * @throws IllegalStateException when set twice
         */
        public Builder onStoreUnavailable(StoreUnavailableHandler handler) {
            if (handlerSet) {
                throw new IllegalStateException("the store-unavailable handler was already set");
            }
            this.unavailableHandler = Objects.requireNonNull(handler, "handler");
            this.handlerSet = true;
            return this;
        }

        /**
         * What a client gets when its login is refused by the per-user session limit
         * ({@code SESSION_MAX_PER_USER_MODE=refuse_new}); default {@link LoginRefusedHandler#json()}.
         */
        public Builder onLoginRefused(LoginRefusedHandler handler) {
            this.loginRefusedHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Adds a servlet session listener: an {@link HttpSessionListener}, an
         * {@link HttpSessionAttributeListener} or an {@link HttpSessionIdListener} (or several at once).
         * An exception it throws is logged at WARN and does not break the request.
         *
         * @throws IllegalArgumentException when {@code listener} is none of these
         */
        public Builder listener(EventListener listener) {
            Objects.requireNonNull(listener, "listener");
            if (!(listener instanceof HttpSessionListener || listener instanceof HttpSessionAttributeListener
                    || listener instanceof HttpSessionIdListener)) {
                throw new IllegalArgumentException("listener must be an HttpSessionListener, HttpSessionAttributeListener"
                        + " or HttpSessionIdListener: " + listener.getClass().getName());
            }
            listeners.add(listener);
            return this;
        }

        /** Builds the filter. */
        public SessionFilter build() {
            return new SessionFilter(this);
        }
    }
}
