package dev.sessionkit;

import java.time.Instant;

/**
 * What a store that several instances share tells each of them about sessions that ended or
 * moved on another instance, so every instance's {@link SessionListener}s hear of a logout,
 * revocation, replacement or expiry wherever it happened. {@link SessionManager} subscribes with
 * {@link SessionStore#subscribe}; a store implements the delivery (PostgreSQL through
 * {@code LISTEN/NOTIFY}).
 *
 * <p>Delivery is at least once per subscriber while its feed is connected; there is no order
 * across sessions and no replay of what happened while it was not ({@link #missed} says when that
 * was). A store does not deliver the events of its own instance here: the manager already told its
 * listeners of those when they happened. Calls come on the store's own thread, one at a time; an
 * implementation must not block it for long.
 */
public interface StoreEvents {

    /** A session ended on another instance; {@code reason} is {@link SessionStatus#EXPIRED} when a sweeper purged it. */
    void ended(LookupKey key, SessionStatus reason);

    /**
     * A session moved from {@code oldKey} to {@code newKey} on another instance (login rotation,
     * or a renewal: then {@code oldKey} keeps working for the grace period).
     */
    void idChanged(LookupKey oldKey, LookupKey newKey);

    /**
     * The feed was down from {@code from} to {@code to}: events of that gap were not delivered
     * and will not be.
     */
    default void missed(Instant from, Instant to) {
    }
}
