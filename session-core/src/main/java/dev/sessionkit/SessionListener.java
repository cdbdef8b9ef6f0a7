package dev.sessionkit;

/**
 * Receives session life-cycle events from a {@link SessionManager}. Every method has an empty
 * default, so implement only what you need.
 *
 * <p>Listeners run on the request thread (or the sweeper's) right after the store write that
 * caused the event. An exception thrown by a listener is logged at WARN and never breaks a request.
 * Events carry snapshots and lookup keys, never raw ids.
 *
 * <p>The first five methods report what this instance did. With a store that several instances
 * share and that delivers {@link StoreEvents} (PostgreSQL, through {@code LISTEN/NOTIFY}), the
 * {@code ...Elsewhere} methods report what other instances did: they run on the store's event
 * thread, at least once per event while the feed is up, in no order across sessions (nor, for one session, between the events of two instances), and never
 * for this instance's own events (those came through the first five). Count metrics from the
 * first five only, so a sum over instances counts each event once.
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

    /**
     * Another instance ended a session: logout, revocation, replacement, or expiry
     * ({@link SessionStatus#EXPIRED}, when its sweeper purged it).
     */
    default void sessionEndedElsewhere(LookupKey key, SessionStatus reason) {
    }

    /** Another instance moved a session to a new id. */
    default void sessionIdChangedElsewhere(LookupKey oldKey, LookupKey newKey) {
    }

    /**
     * The store's event feed was down from {@code from} to {@code to}: what other instances did
     * then was not heard, and will not be (the store has also logged it once).
     */
    default void eventsMissed(java.time.Instant from, java.time.Instant to) {
    }
}
