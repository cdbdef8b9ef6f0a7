package dev.sessionkit;

/**
 * Receives session life-cycle events from a {@link SessionManager}. Every method has an empty
 * default, so implement only what you need.
 *
 * <p>Listeners run on the request thread (or the sweeper's) right after the store write that
 * caused the event. An exception thrown by a listener is logged at WARN and never breaks a request.
 * Events carry snapshots and lookup keys, never raw ids.
 */
public interface SessionListener {

    /** A new session was stored. */
    default void sessionCreated(SessionData session) {
    }

    /** A session ended by logout, invalidation or revocation; {@code reason} says which. */
    default void sessionDestroyed(LookupKey key, SessionStatus reason) {
    }

    /** A session passed an expiry and was removed by the sweeper. */
    default void sessionExpired(LookupKey key) {
    }

    /**
     * A session moved to a new id: fixation defence on login ({@link Session#regenerateId()}), or a
     * renewal once {@code SESSION_RENEWAL_INTERVAL} passed (then {@code oldKey} keeps working for the
     * grace period).
     */
    default void sessionIdChanged(LookupKey oldKey, SessionData session) {
    }

    /** A session's principal changed; {@code oldPrincipal} or the new one may be null. */
    default void principalChanged(SessionData session, String oldPrincipal) {
    }
}
