package dev.sessionkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request life-cycle every adapter runs: {@link #resolve(RequestInfo)} at the start of a
 * request (read and verify the cookie, load the session, check both expiries) and
 * {@link #commit(SessionContext)} before the response is committed (decide what to write and which
 * {@code Set-Cookie} to send).
 *
 * <p>What commit writes, with {@code resave=false} and {@code saveUninitialized=false} (the
 * defaults, as in express-session):
 * <ul>
 *   <li>no session used, or a new session with nothing set: nothing, and no cookie;</li>
 *   <li>a new session with something set (or any new session with {@code saveUninitialized}): one
 *       create, and the cookie;</li>
 *   <li>an unchanged session: nothing, unless its last touch is older than the touch interval (or
 *       {@code resave}): then one touch;</li>
 *   <li>a changed session: one delta write, carrying a touch when one is due;</li>
 *   <li>a regenerated id: one key change carrying the delta and a touch, and the new cookie;</li>
 *   <li>with {@code SESSION_RENEWAL_INTERVAL}, a signed-in session whose id is older than the
 *       interval: one {@link SessionStore#renewKey renewal} carrying the delta and a touch, and the
 *       new cookie; the old id keeps working for {@code SESSION_RENEWAL_GRACE} (a request arriving
 *       with it reads and writes the same session, and is never sent a cookie);</li>
 *   <li>an invalidated session: one end, and a clearing cookie.</li>
 * </ul>
 * With {@code rolling}, the cookie is sent again whenever the expiry is written, with a
 * {@code Max-Age} that matches it. A cookie signed with an older secret is re-signed.
 *
 * <p>The manager also runs the expiry sweeper (a daemon thread calling
 * {@link SessionStore#purgeExpired} every cleanup interval) and tells {@link SessionListener}s what
 * happened. Thread-safe; build one per application and {@link #close()} it at shutdown.
 */
public final class SessionManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);
    private static final int MAX_USER_AGENT = 512;
    private static final int MAX_IP = 64;

    private final SessionSettings settings;
    private final SessionStore store;
    private final SessionStore givenStore;
    private final SessionInstrumentation instrumentation;
    private AutoCloseable subscription;
    private boolean closed;
    private final boolean ownsStore;
    private final Clock clock;
    private final CookiePolicy cookies;
    private final List<SessionListener> listeners;
    private final SessionSweeper sweeper;
    private final AttributeCodec codec;

    private SessionManager(Builder b) {
        this.settings = b.settings;
        this.givenStore = b.store;
        this.instrumentation = SessionInstrumentation.composite(b.instrumentations);
        this.store = Instrumented.store(b.store, instrumentation);
        this.ownsStore = b.ownsStore;
        this.clock = b.clock;
        this.cookies = CookiePolicy.from(settings);
        this.codec = AttributeCodec.create(settings, b.modules, b.mixIns, b.attributeTypes);
        this.listeners = new java.util.concurrent.CopyOnWriteArrayList<>(b.listeners);
        // events from other instances matter only to listeners; without any, no feed is opened
        this.subscription = listeners.isEmpty() ? null : store.subscribe(new Elsewhere());
        this.sweeper = b.sweeper
                ? SessionSweeper.start(store, clock, settings.cleanupInterval(), this::fireExpired, instrumentation)
                : null;
        if (settings.secretGenerated()) {
            LOG.warn("sessionkit: {} is not set; signing cookies with a random secret made for this process, so sessions"
                    + " end when it restarts. Set {} (32+ random bytes) to keep them.", SessionSettings.SESSION_SECRET,
                    SessionSettings.SESSION_SECRET);
        }
    }

    /** A builder; {@link Builder#settings} and {@link Builder#store} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The zero-setup path: settings from the environment, the store they select (found with
     * {@link java.util.ServiceLoader}), the system clock and the sweeper.
     *
     * @throws SessionConfigurationException when the environment is invalid
     * @throws StoreUnavailableException when the selected store cannot be reached
     */
    public static SessionManager fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * As {@link #fromEnvironment()}, reading {@code env} instead of the process environment, for
     * the engine's settings and the store's alike.
     */
    public static SessionManager fromEnvironment(Map<String, String> env) {
        EnvironmentVariables variables = EnvironmentVariables.of(env);
        SessionSettings settings = SessionSettings.builder().applyEnvironment(variables).build();
        Clock clock = Clock.systemUTC();
        SessionStore store = SessionStores.open(settings, variables, clock);
        try {
            return builder().settings(settings).store(store, true).clock(clock).build();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The settings. */
    public SessionSettings settings() {
        return settings;
    }

    /** The store, as it was handed to the builder (store calls made on it directly are not instrumented). */
    public SessionStore store() {
        return givenStore;
    }

    /** The clock every decision of this manager uses. */
    public Clock clock() {
        return clock;
    }

    /** The cookie policy. */
    CookiePolicy cookiePolicy() {
        return cookies;
    }

    /**
     * Starts a request: reads the cookie, verifies it, and loads the session when it is live.
     * With {@link SessionSettings#sessionHeader()} set, a request that carries that header (not
     * blank) is decided by the header alone, verified as the cookie is; a bad header is anonymous
     * whatever cookie comes with it. Nothing is written.
     *
     * @throws StoreUnavailableException when the store cannot be reached
     */
    public SessionContext resolve(RequestInfo request) {
        Objects.requireNonNull(request, "request");
        return Instrumented.timed(instrumentation, SessionInstrumentation.Operation.RESOLVE, () -> resolveNow(request));
    }

    private SessionContext resolveNow(RequestInfo request) {
        boolean secure = request.secure()
                || (settings.trustProxy() && request.forwardedProto() != null
                        && "https".equalsIgnoreCase(lastHop(request.forwardedProto())));
        String ip = clientIp(request);
        boolean viaHeader = viaHeader(request);
        Optional<CookiePolicy.Verified> verified;
        boolean present;
        if (viaHeader) {
            // the header, when the request carries one, decides alone (a bad one is not made good by a cookie)
            verified = cookies.verify(request.sessionHeader().trim());
            present = true;
        } else {
            verified = cookies.readVerified(request.cookieHeaders());
            present = verified.isPresent() || cookies.isPresent(request.cookieHeaders());
        }
        SessionContext context;
        if (verified.isEmpty()) {
            if (present) {
                LOG.debug("sessionkit: the session {} did not verify; treating the request as anonymous",
                        viaHeader ? "header" : "cookie");
                if (instrumentation != SessionInstrumentation.NONE) {
                    rejected(viaHeader ? cookies.diagnose(request.sessionHeader().trim())
                            : cookies.diagnose(request.cookieHeaders()));
                }
            }
            context = new SessionContext(this, request, present, null, null, false, ip, secure);
        } else {
            SessionId id = verified.get().id();
            Optional<SessionData> data = store.load(id.lookupKey(), now());
            if (data.isEmpty()) {
                LOG.debug("sessionkit: session {} is not live", id.lookupKey().prefix());
                if (instrumentation != SessionInstrumentation.NONE) {
                    rejected(notLive(id.lookupKey()));
                }
                context = new SessionContext(this, request, true, id, null, false, ip, secure);
            } else {
                Session session = new Session(settings, codec, id, data.get());
                context = new SessionContext(this, request, true, id, session, !verified.get().currentSecret(), ip,
                        secure);
            }
        }
        if (viaHeader) {
            context.markViaHeader();
        }
        return context;
    }

    /** Why a correctly signed cookie named no live session. */
    private SessionInstrumentation.CookieRejection notLive(LookupKey key) {
        Optional<SessionStatus> status;
        try {
            status = store.statusOf(key, now());
        } catch (RuntimeException e) {
            // the metric must not fail a request the load already answered
            return SessionInstrumentation.CookieRejection.UNKNOWN;
        }
        if (status.isEmpty()) {
            return SessionInstrumentation.CookieRejection.UNKNOWN;
        }
        return switch (status.get()) {
            case EXPIRED, ACTIVE -> SessionInstrumentation.CookieRejection.EXPIRED; // active but not loaded: past an expiry
            default -> SessionInstrumentation.CookieRejection.ENDED;
        };
    }

    private void rejected(SessionInstrumentation.CookieRejection reason) {
        Instrumented.quietly(instrumentation, () -> instrumentation.cookieRejected(reason));
    }

    /**
     * The session's encoded size as this request leaves it, read before the commit replaces its
     * view (a set has already measured every attribute then, so this costs no serialisation);
     * -1 without instrumentation.
     */
    private int sizeOf(Session session) {
        return instrumentation == SessionInstrumentation.NONE ? -1 : session.encodedSize();
    }

    private void written(int size) {
        if (size >= 0) {
            Instrumented.quietly(instrumentation, () -> instrumentation.sessionWritten(size));
        }
    }

    /** Whether {@code SESSION_HEADER} is on and the request carries a non-blank value of it. */
    private boolean viaHeader(RequestInfo request) {
        return settings.sessionHeader() != null && request.sessionHeader() != null
                && !request.sessionHeader().isBlank();
    }

    /**
     * Ends a request: writes what it changed and says which cookie to send. May be called again
     * later in the same request; it then writes only what changed since.
     *
     * @throws StoreUnavailableException when the store cannot be reached
     * @throws AttributeSerializationException when the store refuses an attribute
     */
    public CommitResult commit(SessionContext context) {
        Objects.requireNonNull(context, "context");
        return Instrumented.timed(instrumentation, SessionInstrumentation.Operation.COMMIT, () -> commitNow(context));
    }

    private CommitResult commitNow(SessionContext context) {
        Instant now = now();
        String cookie = null;
        Session ended = context.takePendingEnd();
        if (ended != null && ended.stored() != null) {
            end(ended, now);
            cookie = cookies.renderClear(cookieSecure(context));
        }
        if (context.takeClearCookie() && cookie == null) {
            cookie = cookies.renderClear(cookieSecure(context));
        }
        Session session = context.current();
        if (session == null) {
            return result(context, cookie);
        }
        if (session.isInvalidated()) {
            if (session.stored() != null) {
                end(session, now);
                cookie = cookies.renderClear(cookieSecure(context));
            }
            return result(context, cookie);
        }
        if (session.stored() == null) {
            return result(context, create(context, session, now, cookie));
        }
        return result(context, update(context, session, now, cookie));
    }

    private String create(SessionContext context, Session session, Instant now, String cookie) {
        if (!session.isModified() && !settings.saveUninitialized() && !context.cookiePromised()) {
            LOG.debug("sessionkit: new session left empty; not stored");
            return cookie;
        }
        SessionData data = session.toNewData(now);
        int attempts = 0;
        while (!store.create(data)) {
            // 256 random bits do not collide; a store that says so is answered with a fresh id
            if (++attempts >= 3) {
                throw new StoreUnavailableException("create", "the store refused three fresh session ids", null);
            }
            session.regenerateId();
            data = session.toNewData(now).withKey(session.id().lookupKey());
        }
        SessionData created = data;
        int size = sizeOf(session);
        session.committed(created);
        written(size);
        fire(l -> l.sessionCreated(created));
        if (created.principal() != null) {
            fire(l -> l.principalChanged(created, null));
        }
        LOG.debug("sessionkit: created session {}", created.key().prefix());
        return limitLogin(context, session, created, setCookie(context, session.id(), created), now);
    }

    private String update(SessionContext context, Session session, Instant now, String cookie) {
        SessionData before = session.stored();
        boolean touchDue = settings.resave()
                || !now.isBefore(before.lastAccessedAt().plus(settings.touchInterval()));
        SessionDelta delta = session.delta(now);
        boolean onPreviousId = session.onPreviousId();
        if (!onPreviousId && !session.regenerated() && renewalDue(session, before, now)) {
            String renewed = renew(context, session, before, delta, now);
            if (renewed != null) {
                return renewed;
            }
            // another request renewed it first (its key is now the previous one), or it ended
            onPreviousId = true;
        }
        if (session.regenerated()) {
            SessionId oldId = session.previousId();
            Optional<SessionData> moved = store.changeKey(oldId.lookupKey(), session.id().lookupKey(),
                    delta.withTouch(touch(now, session)), now);
            if (moved.isEmpty()) {
                return gone(context, session, cookie);
            }
            String previousPrincipal = before.principal();
            boolean principalChanged = delta.principalChanged();
            int size = sizeOf(session);
            session.committed(moved.get());
            written(size);
            fire(l -> l.sessionIdChanged(oldId.lookupKey(), moved.get()));
            if (principalChanged) {
                fire(l -> l.principalChanged(moved.get(), previousPrincipal));
            }
            LOG.debug("sessionkit: session {} moved to {}", oldId.lookupKey().prefix(), moved.get().key().prefix());
            String movedCookie = setCookie(context, session.id(), moved.get());
            return principalChanged ? limitLogin(context, session, moved.get(), movedCookie, now) : movedCookie;
        }
        if (!delta.isEmpty()) {
            boolean touched = touchDue || delta.idleTimeout() != null;
            Optional<SessionData> after = store.apply(before.key(), touched ? delta.withTouch(touch(now, session)) : delta,
                    now);
            if (after.isEmpty()) {
                return gone(context, session, cookie);
            }
            String previousPrincipal = before.principal();
            int size = sizeOf(session);
            session.committed(after.get());
            written(size);
            if (delta.principalChanged()) {
                fire(l -> l.principalChanged(after.get(), previousPrincipal));
            }
            String updated = !onPreviousId && (touched && settings.rolling() || context.reissueCookie())
                    ? setCookie(context, session.id(), after.get()) : cookie;
            return delta.principalChanged() ? limitLogin(context, session, after.get(), updated, now) : updated;
        }
        if (touchDue) {
            Touch touch = touch(now, session);
            if (!store.touch(before.key(), touch, now)) {
                return gone(context, session, cookie);
            }
            session.committed(before.touched(touch));
            return !onPreviousId && (settings.rolling() || context.reissueCookie())
                    ? setCookie(context, session.id(), session.stored()) : cookie;
        }
        return !onPreviousId && context.reissueCookie() ? setCookie(context, session.id(), before) : cookie;
    }

    // ---- id renewal (SESSION_RENEWAL_INTERVAL) ----

    /**
     * Renewal is due for a signed-in session (before and after this request) whose current key was
     * issued at least the renewal interval ago; an anonymous session has nothing worth stealing
     * that renewal would protect, and its id changes at login anyway.
     */
    private boolean renewalDue(Session session, SessionData before, Instant now) {
        Optional<Duration> interval = settings.renewalInterval();
        return interval.isPresent() && before.principal() != null && session.principal().isPresent()
                && !now.isBefore(before.keyIssuedAt().plus(interval.get()));
    }

    /**
     * Gives the session a new id, carrying this request's delta and a touch; the old id keeps
     * working for the grace period, for requests already in flight with it.
     *
     * @return the new cookie, or null when the store did not renew (nothing was written)
     */
    private String renew(SessionContext context, Session session, SessionData before, SessionDelta delta, Instant now) {
        SessionId newId = SessionId.generate();
        Optional<SessionData> renewed = store.renewKey(before.key(), newId.lookupKey(),
                delta.withTouch(touch(now, session)), now.plus(settings.renewalGrace()), now);
        if (renewed.isEmpty()) {
            LOG.debug("sessionkit: session {} was not renewed (renewed by another request, or ended)",
                    before.key().prefix());
            return null;
        }
        SessionData after = renewed.get();
        String previousPrincipal = before.principal();
        int size = sizeOf(session);
        session.renewed(newId, after);
        written(size);
        fire(l -> l.sessionIdChanged(before.key(), after));
        if (delta.principalChanged()) {
            fire(l -> l.principalChanged(after, previousPrincipal));
        }
        LOG.debug("sessionkit: session {} renewed as {}", before.key().prefix(), after.key().prefix());
        return setCookie(context, newId, after);
    }

    /**
     * The session ended under this request (logout elsewhere, revoked, expired). No clearing cookie:
     * a dead cookie is harmless, while clearing could race with a login in another tab whose new
     * cookie arrived first, and sign that tab out.
     */
    private String gone(SessionContext context, Session session, String cookie) {
        LOG.debug("sessionkit: session {} ended during the request; nothing written", session.id().lookupKey().prefix());
        session.invalidate();
        return cookie;
    }

    private boolean end(Session session, Instant now) {
        LookupKey key = session.stored().key();
        boolean ended = store.end(key, SessionStatus.LOGGED_OUT, now);
        if (ended) {
            LookupKey endedKey = key;
            fire(l -> l.sessionDestroyed(endedKey, SessionStatus.LOGGED_OUT));
            LOG.debug("sessionkit: session {} logged out", key.prefix());
        }
        return ended;
    }

    private static Touch touch(Instant now, Session session) {
        return new Touch(now, now.plus(session.idleTimeout()));
    }

    private String setCookie(SessionContext context, SessionId id, SessionData data) {
        Instant now = now();
        Instant until = settings.rolling() ? data.expiresAt() : data.absoluteExpiresAt();
        Duration maxAge = Duration.between(now, until);
        return cookies.renderSet(id, maxAge.isNegative() ? Duration.ZERO : maxAge, cookieSecure(context));
    }

    /** {@code Secure} as configured, always in production, else following the request's scheme. */
    private boolean cookieSecure(SessionContext context) {
        return cookies.secureFor(context.secure());
    }

    private CommitResult result(SessionContext context, String cookie) {
        boolean refused = context.takeLoginRefused();
        if (cookie == null) {
            return refused ? CommitResult.of(null, null, true) : CommitResult.nothing();
        }
        context.cookieSent();
        return withHeader(context, cookie, refused);
    }

    /**
     * The {@code Set-Cookie}, and the session header carrying the same value (empty for a clearing
     * cookie) when {@code SESSION_HEADER} is on and the client may be a header client: it sent the
     * header, or it sent no session cookie. A cookie client's id stays out of script-readable headers.
     */
    private CommitResult withHeader(SessionContext context, String setCookie, boolean loginRefused) {
        String name = settings.sessionHeader();
        if (name == null || !context.requestedViaHeader() && cookies.isPresent(context.request().cookieHeaders())) {
            return CommitResult.of(setCookie, null, loginRefused);
        }
        int start = setCookie.indexOf('=') + 1; // cookie names hold no '='
        int end = setCookie.indexOf(';', start);
        return CommitResult.of(setCookie, new CommitResult.Header(name,
                setCookie.substring(start, end < 0 ? setCookie.length() : end)), loginRefused);
    }

    /**
     * The per-user limit after {@code signedIn} became {@code principal}'s: one atomic store call.
     * Returns the clearing cookie when the login was refused (the session has ended), else
     * {@code cookie}.
     */
    private String limitLogin(SessionContext context, Session session, SessionData signedIn, String cookie,
            Instant now) {
        int max = context.loginLimit() >= 0 ? context.loginLimit() : settings.maxSessionsPerUser();
        if (max == 0 || signedIn.principal() == null) {
            return cookie;
        }
        SessionLimitMode mode = context.loginLimit() >= 0 ? context.loginLimitMode() : settings.sessionLimitMode();
        List<LookupKey> ended = store.limitPrincipal(signedIn.principal(), signedIn.key(), max, mode, now);
        for (LookupKey key : ended) {
            SessionStatus reason = key.equals(signedIn.key()) ? SessionStatus.REVOKED : SessionStatus.REPLACED;
            fire(l -> l.sessionDestroyed(key, reason));
        }
        if (ended.contains(signedIn.key())) {
            LOG.debug("sessionkit: login refused, its principal has {} live sessions", max);
            session.invalidate();
            context.loginRefused();
            return cookies.renderClear(cookieSecure(context));
        }
        if (!ended.isEmpty()) {
            LOG.debug("sessionkit: login ended {} older sessions of its principal", ended.size());
        }
        return cookie;
    }

    int endOthers(String principal, LookupKey keep) {
        Instant now = now();
        List<SessionData> ending = listeners.isEmpty() ? List.of() : store.findByPrincipal(principal, now);
        int n = store.endOthersByPrincipal(principal, keep, SessionStatus.REVOKED, now);
        for (SessionData other : ending) {
            if (!other.key().equals(keep)) {
                fire(l -> l.sessionDestroyed(other.key(), SessionStatus.REVOKED));
            }
        }
        return n;
    }

    Session newSession(SessionContext context) {
        return new Session(settings, codec, SessionId.generate(), now(), truncate(context.clientIp().orElse(null), MAX_IP),
                truncate(context.request().userAgent(), MAX_USER_AGENT));
    }

    /**
     * The {@code Set-Cookie} for a session created during this request and not stored yet, for an
     * adapter whose response is about to be committed before the session's first commit could send
     * it (a body written before an attribute is set). The session is then stored at the next commit
     * even when nothing was set in it, so the cookie never names a session that does not exist.
     *
     * @return empty when the request has no new, unstored session
     */
    public Optional<String> newSessionCookie(SessionContext context) {
        return newSessionHeaders(context).setCookie();
    }

    /**
     * As {@link #newSessionCookie(SessionContext)}, with the session header too when
     * {@code SESSION_HEADER} is on (sent as {@link #commit} would send it).
     *
     * @return nothing to send when the request has no new, unstored session
     */
    public CommitResult newSessionHeaders(SessionContext context) {
        Objects.requireNonNull(context, "context");
        Session session = context.current();
        if (session == null || session.isInvalidated() || session.stored() != null) {
            return CommitResult.nothing();
        }
        context.promiseCookie();
        Instant now = now();
        Duration maxAge = settings.rolling() ? session.idleTimeout() : Duration.between(now, session.absoluteExpiresAt());
        return withHeader(context, cookies.renderSet(session.id(), maxAge.isNegative() ? Duration.ZERO : maxAge,
                cookieSecure(context)), false);
    }

    // ---- operations outside a request ----

    /** The live sessions of {@code principal}, oldest first. */
    public List<SessionData> sessionsOf(String principal) {
        return store.findByPrincipal(Objects.requireNonNull(principal, "principal"), now());
    }

    /**
     * Ends every session of {@code principal} ("sign out everywhere") in one store write; returns
     * how many ended. When listeners are registered, the sessions are listed first so each gets a
     * {@code sessionDestroyed} event (one more read; a session created between the two steps ends
     * without its event).
     */
    public int revokeAll(String principal, SessionStatus reason) {
        Objects.requireNonNull(principal, "principal");
        Instant now = now();
        List<SessionData> ending = listeners.isEmpty() ? List.of() : store.findByPrincipal(principal, now);
        int n = store.endByPrincipal(principal, reason, now);
        for (SessionData session : ending) {
            fire(l -> l.sessionDestroyed(session.key(), reason));
        }
        LOG.debug("sessionkit: ended {} sessions of a principal", n);
        return n;
    }

    /** Ends one session by its handle ({@link Session#handle()}); false when it was not live. */
    public boolean revoke(String handle, SessionStatus reason) {
        if (!LookupKey.isWellFormed(handle)) {
            return false;
        }
        LookupKey key = new LookupKey(handle);
        boolean ended = store.end(key, reason, now());
        if (ended) {
            fire(l -> l.sessionDestroyed(key, reason));
        }
        return ended;
    }

    /**
     * Adds a listener to a manager already built, for an adapter made after it (the servlet
     * filter, the Spring starter); it hears every event from now on, and the store's events of
     * other instances from when this returns. Closing the returned handle removes it.
     */
    public AutoCloseable addListener(SessionListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the session manager is closed");
            }
            listeners.add(listener);
            if (subscription == null) {
                subscription = store.subscribe(new Elsewhere());
            }
        }
        return () -> listeners.remove(listener);
    }

    /** Session counts of the store. */
    public SessionStats stats() {
        return store.stats(now());
    }

    /** Runs one sweep now, on the calling thread; returns how many sessions were purged. */
    public int sweepNow() {
        return new SessionSweeper(store, clock, this::fireExpired, instrumentation).sweep();
    }

    /**
     * Stops the sweeper and the store's event feed and, when the manager opened the store, closes it
     * (which writes what the store deferred); a store handed in stays open, and what it deferred is
     * {@link SessionStore#flush() flushed}. Idempotent; does not throw.
     */
    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.close();
        }
        AutoCloseable feed;
        synchronized (this) {
            closed = true;
            feed = subscription;
            subscription = null;
        }
        if (feed != null) {
            try {
                feed.close();
            } catch (Exception e) {
                LOG.warn("sessionkit: the {} store's event feed did not close cleanly", store.name(), e);
            }
        }
        if (ownsStore) {
            store.close();
        } else {
            flushQuietly();
        }
    }

    /** Writes what a store that stays open deferred (a write-behind store's queued touches). */
    private void flushQuietly() {
        try {
            store.flush();
        } catch (IllegalStateException e) {
            // closed already, and a store writes what it deferred when it closes
        } catch (RuntimeException e) {
            LOG.warn("sessionkit: the {} store could not write what it deferred ({})", store.name(), e.getClass()
                    .getSimpleName());
        }
    }

    private void fireExpired(LookupKey key) {
        fire(l -> l.sessionExpired(key));
    }

    /** Relays what other instances did to this manager's listeners. */
    private final class Elsewhere implements StoreEvents {

        @Override
        public void ended(LookupKey key, SessionStatus reason) {
            fire(l -> l.sessionEndedElsewhere(key, reason));
        }

        @Override
        public void idChanged(LookupKey oldKey, LookupKey newKey) {
            fire(l -> l.sessionIdChangedElsewhere(oldKey, newKey));
        }

        @Override
        public void missed(Instant from, Instant to) {
            fire(l -> l.eventsMissed(from, to));
        }
    }

    private void fire(java.util.function.Consumer<SessionListener> event) {
        for (SessionListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("sessionkit: session listener {} failed; the request goes on", listener.getClass().getName(), e);
            }
        }
    }

    private Instant now() {
        // stores keep microseconds at best; millisecond instants round-trip everywhere
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private String clientIp(RequestInfo request) {
        if (settings.trustProxy() && request.forwardedFor() != null) {
            // the right-most hop is what the trusted proxy saw; hops to its left come from the client
            String last = lastHop(request.forwardedFor());
            if (!last.isEmpty()) {
                return truncate(last, MAX_IP);
            }
        }
        return truncate(request.remoteAddress(), MAX_IP);
    }

    private static String lastHop(String header) {
        return header.substring(header.lastIndexOf(',') + 1).trim();
    }

    /** Client text cleaned as every store keeps it, at most {@code max} chars, never half a surrogate pair. */
    private static String truncate(String text, int max) {
        String clean = SessionJson.clientText(text);
        if (clean == null || clean.length() <= max) {
            return clean;
        }
        int end = Character.isHighSurrogate(clean.charAt(max - 1)) ? max - 1 : max;
        return clean.substring(0, end);
    }

    /** Builds a {@link SessionManager}. Not thread-safe. */
    public static final class Builder {

        private SessionSettings settings;
        private SessionStore store;
        private boolean ownsStore;
        private Clock clock = Clock.systemUTC();
        private final List<SessionListener> listeners = new ArrayList<>();
        private final List<SessionInstrumentation> instrumentations = new ArrayList<>();
        private boolean sweeper = true;
        private final List<com.fasterxml.jackson.databind.Module> modules = new ArrayList<>();
        private final java.util.Map<Class<?>, Class<?>> mixIns = new java.util.LinkedHashMap<>();
        private final List<String> attributeTypes = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds a Jackson module to the attribute codec (after the built-in {@code JavaTimeModule}),
         * such as Kotlin's, Spring Security's, or the application's own. Classes a module gives a
         * mix-in become allowed attribute types.
         */
        public Builder attributeModule(com.fasterxml.jackson.databind.Module value) {
            modules.add(Objects.requireNonNull(value, "module"));
            return this;
        }

        /** Adds a Jackson mix-in for an attribute class; the class becomes an allowed attribute type. */
        public Builder attributeMixIn(Class<?> target, Class<?> mixIn) {
            mixIns.put(Objects.requireNonNull(target, "target"), Objects.requireNonNull(mixIn, "mixIn"));
            return this;
        }

        /**
         * Allows more attribute types, beside the settings' {@code SESSION_ATTRIBUTE_TYPES}: package
         * prefixes ending in {@code .} or class names.
         *
         * @throws SessionConfigurationException for an entry that is not a package or class name,
         *     or a whole JDK package
         */
        public Builder allowAttributeTypes(String... namesOrPackages) {
            for (String entry : namesOrPackages) {
                attributeTypes.add(AttributeTypes.checkEntry(SessionSettings.SESSION_ATTRIBUTE_TYPES, entry));
            }
            return this;
        }

        /** The settings; required. */
        public Builder settings(SessionSettings value) {
            if (settings != null) {
                throw new IllegalStateException("settings were already set");
            }
            this.settings = Objects.requireNonNull(value, "settings");
            return this;
        }

        /** The store; required. The manager does not close a store handed in this way. */
        public Builder store(SessionStore value) {
            return store(value, false);
        }

        /** The store, and whether {@link SessionManager#close()} closes it. */
        public Builder store(SessionStore value, boolean closeWithManager) {
            if (store != null) {
                throw new IllegalStateException("the store was already set");
            }
            this.store = Objects.requireNonNull(value, "store");
            this.ownsStore = closeWithManager;
            return this;
        }

        /** The clock; default the system clock in UTC. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Adds a listener. */
        public Builder listener(SessionListener value) {
            listeners.add(Objects.requireNonNull(value, "listener"));
            return this;
        }

        /**
         * Adds an instrumentation (metrics, traces); with several, each is called in turn. With
         * none, the manager pays nothing for it.
         */
        public Builder instrumentation(SessionInstrumentation value) {
            instrumentations.add(Objects.requireNonNull(value, "instrumentation"));
            return this;
        }

        /** Whether to run the expiry sweeper; default true. */
        public Builder sweeper(boolean value) {
            this.sweeper = value;
            return this;
        }

        /**
         * Builds the manager and starts its sweeper.
         *
         * @throws IllegalStateException when settings or store are missing
         */
        public SessionManager build() {
            if (settings == null) {
                throw new IllegalStateException("settings are required");
            }
            if (store == null) {
                throw new IllegalStateException("a store is required");
            }
            return new SessionManager(this);
        }
    }
}
