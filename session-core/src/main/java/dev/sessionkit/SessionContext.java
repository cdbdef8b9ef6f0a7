package dev.sessionkit;

import java.util.Optional;

/**
 * The session state of one request, from {@link SessionManager#resolve(RequestInfo)} to
 * {@link SessionManager#commit(SessionContext)}. Sessions are created lazily: nothing is stored
 * and no cookie is sent unless {@link #getOrCreate()} is called (and, by default, something is
 * set).
 *
 * <p>Not thread-safe: it belongs to one request.
 */
public final class SessionContext {

    private final SessionManager manager;
    private final RequestInfo request;
    private final boolean cookiePresent;
    private final SessionId requestedId;
    private final boolean requestedValid;
    private boolean reissueCookie;
    private final String clientIp;
    private final boolean secure;
    private Session session;
    private Session pendingEnd;
    private boolean clearCookie;
    private boolean cookiePromised;
    private boolean viaHeader;
    private java.util.function.Consumer<Session> onNewSession;
    private int loginLimit = -1;
    private SessionLimitMode loginLimitMode;
    private boolean loginRefused;

    SessionContext(SessionManager manager, RequestInfo request, boolean cookiePresent, SessionId requestedId,
            Session session, boolean reissueCookie, String clientIp, boolean secure) {
        this.manager = manager;
        this.request = request;
        this.cookiePresent = cookiePresent;
        this.requestedId = requestedId;
        this.requestedValid = session != null;
        this.session = session;
        this.reissueCookie = reissueCookie;
        this.clientIp = clientIp;
        this.secure = secure;
    }

    /** The session of this request, if the request brought a live one or one was created. */
    public Optional<Session> session() {
        return Optional.ofNullable(session).filter(s -> !s.isInvalidated());
    }

    /** The session of this request, created (in memory only, until commit) when there is none. */
    public Session getOrCreate() {
        if (session == null || session.isInvalidated()) {
            if (session != null) {
                pendingEnd = session; // still to be ended at commit
            }
            session = manager.newSession(this);
            cookiePromised = false;
            if (onNewSession != null) {
                onNewSession.accept(session);
            }
        }
        return session;
    }

    /**
     * Registers the adapter's callback for every session {@link #getOrCreate()} creates in this
     * request, whoever calls it (so a framework's {@code sessionCreated} event fires for sessions
     * created through the core API too). One callback per request; a later one replaces it.
     */
    public void onNewSession(java.util.function.Consumer<Session> callback) {
        this.onNewSession = callback;
    }

    /**
     * Logs out: ends the current session at commit, if there is one, and clears the cookie in any
     * case, so a browser holding a dead or tampered cookie loses it too. Idempotent.
     */
    public void invalidate() {
        if (session != null && !session.isInvalidated()) {
            session.invalidate();
        }
        clearCookie = cookiePresent || session != null;
    }

    /** True when the request carried a cookie with the session cookie's name, valid or not. */
    public boolean cookiePresent() {
        return cookiePresent;
    }

    /** The handle of the session id the request's cookie named, when its signature verified. */
    public Optional<String> requestedHandle() {
        return Optional.ofNullable(requestedId).map(id -> id.lookupKey().value());
    }

    /**
     * True when the request carried the {@code SESSION_HEADER} header (that setting on), which then
     * decided the session alone: {@link #requestedHandle()} and {@link #cookiePresent()} speak of
     * the header's token instead of the cookie.
     */
    public boolean requestedViaHeader() {
        return viaHeader;
    }

    /** True when the request's cookie named a live session. */
    public boolean requestedSessionValid() {
        return requestedValid;
    }

    /** The client address: the peer, or the last {@code X-Forwarded-For} hop behind a trusted proxy. */
    public Optional<String> clientIp() {
        return Optional.ofNullable(clientIp);
    }

    /** Whether the request counts as https (the peer's TLS, or a trusted proxy's {@code X-Forwarded-Proto}). */
    public boolean secure() {
        return secure;
    }

    void markViaHeader() {
        viaHeader = true;
    }

    RequestInfo request() {
        return request;
    }

    Session current() {
        return session;
    }

    void promiseCookie() {
        cookiePromised = true;
    }

    boolean cookiePromised() {
        return cookiePromised;
    }

    boolean takeClearCookie() {
        boolean c = clearCookie;
        clearCookie = false;
        return c;
    }

    Session takePendingEnd() {
        Session s = pendingEnd;
        pendingEnd = null;
        return s;
    }

    SessionId requestedId() {
        return requestedId;
    }

    boolean reissueCookie() {
        return reissueCookie;
    }

    /**
     * Sets the per-user session limit for a login in this request, instead of
     * {@code SESSION_MAX_PER_USER} / {@code SESSION_MAX_PER_USER_MODE}; the store enforces it
     * atomically at commit. Adapters use it to honour a framework's own setting (Spring Security's
     * {@code maximumSessions}, per user).
     *
     * @param max at least 1, or 0 for no limit on this login
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public void limitLogin(int max, SessionLimitMode mode) {
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative: " + max);
        }
        this.loginLimit = max;
        this.loginLimitMode = java.util.Objects.requireNonNull(mode, "mode");
    }

    /**
     * "Sign out my other devices": ends, now, every live session of this session's principal but
     * this one, with {@link SessionStatus#REVOKED}, in one store operation.
     *
     * @return how many sessions ended; 0 when this request has no signed-in, stored session
     * @throws StoreUnavailableException when the store cannot be reached
     */
    public int signOutOtherDevices() {
        Session current = session().orElse(null);
        if (current == null || current.stored() == null || current.stored().principal() == null) {
            return 0;
        }
        return manager.endOthers(current.stored().principal(), current.stored().key());
    }

    int loginLimit() {
        return loginLimit;
    }

    SessionLimitMode loginLimitMode() {
        return loginLimitMode;
    }

    void loginRefused() {
        loginRefused = true;
    }

    boolean takeLoginRefused() {
        boolean refused = loginRefused;
        loginRefused = false;
        return refused;
    }

    /** A cookie went out: an old-secret cookie needs no re-signing any more. */
    void cookieSent() {
        reissueCookie = false;
    }
}
