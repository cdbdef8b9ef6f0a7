package dev.sessionkit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The storage SPI every backend implements. {@link SessionManager} is its only caller in normal
 * use; applications rarely touch a store directly.
 *
 * <p>Sessions are addressed by {@link LookupKey}, never by the raw id. Time is always passed in by
 * the caller, so a store needs no clock of its own for correctness, and "live" means: status
 * {@link SessionStatus#ACTIVE} and {@code now} before both expiries.
 *
 * <p>Every write is guarded: it applies only to a live session, so a request that finishes after
 * a logout or revocation cannot bring the session back, and touch times only move forward.
 * "Not found" is a normal result (an empty {@code Optional}, {@code false}, 0), never an exception.
 *
 * <p>Implementations are thread-safe. Every method may throw {@link StoreUnavailableException}
 * when the backend cannot be reached. The behaviour of every method is pinned down by the
 * contract suite in {@code session-testkit}; a store that passes it can be used anywhere.
 */
public interface SessionStore extends AutoCloseable {

    /** A short name for logs and stats, such as {@code memory} or {@code postgres}. */
    String name();

    /**
     * Loads a live session.
     *
     * @return the session, or empty when it does not exist, is not active, has expired, or its
     *     stored data cannot be read (corrupt data is logged by the store, never thrown)
     */
    Optional<SessionData> load(LookupKey key, Instant now);

    /**
     * Stores a new session. Its status is {@link SessionStatus#ACTIVE}; its attributes were
     * checked with {@link SessionJson#validate}, but a store checks again, since callers other than
     * {@link Session} may call it.
     *
     * @return {@code false}, changing nothing, when a session is already filed under its key
     * @throws AttributeSerializationException when an attribute cannot be stored
     */
    boolean create(SessionData session);

    /**
     * Applies {@code delta} atomically to a live session.
     *
     * @return the session as stored afterwards, or empty when it is not live (nothing is written)
     * @throws AttributeSerializationException when an attribute cannot be stored
     */
    Optional<SessionData> apply(LookupKey key, SessionDelta delta, Instant now);

    /**
     * Moves a live session to {@code newKey} and applies {@code delta}, in one atomic step; the
     * old key stops working at once.
     *
     * @return the session as stored afterwards, or empty when {@code oldKey} is not live or
     *     {@code newKey} is taken (nothing is written)
     * @throws AttributeSerializationException when an attribute cannot be stored
     */
    Optional<SessionData> changeKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant now);

    /**
     * Moves the access time and idle expiry of a live session forward, without rewriting its
     * data. The version grows, as with every write.
     *
     * @return whether a live session was found
     */
    boolean touch(LookupKey key, Touch touch, Instant now);

    /**
     * Ends a live session. Stores that keep an audit trail keep the row with {@code reason} as its
     * status; others remove it. Either way it can no longer be loaded or written.
     *
     * @param reason why it ended; not {@link SessionStatus#ACTIVE}
     * @return whether a live session was ended
     * @throws IllegalArgumentException if {@code reason} is {@code ACTIVE}
     */
    boolean end(LookupKey key, SessionStatus reason, Instant now);

    /**
     * Lists the live sessions of a principal, oldest first.
     *
     * @return the sessions; empty when there are none
     */
    List<SessionData> findByPrincipal(String principal, Instant now);

    /**
     * Ends every live session of a principal ("log out everywhere"), in one step.
     *
     * @param reason why they ended; not {@link SessionStatus#ACTIVE}
     * @return how many sessions ended
     * @throws IllegalArgumentException if {@code reason} is {@code ACTIVE}
     */
    int endByPrincipal(String principal, SessionStatus reason, Instant now);

    /**
     * Lists live sessions, oldest first, at most {@code limit}.
     *
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    List<SessionData> findLive(Instant now, int limit);

    /**
     * Removes at most {@code limit} sessions that have expired at {@code now}, and returns their
     * keys. Safe to call from several threads and processes at once; callers loop until fewer
     * than {@code limit} keys come back.
     *
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    List<LookupKey> purgeExpired(Instant now, int limit);

    /** Counts sessions at {@code now}. */
    SessionStats stats(Instant now);

    /**
     * Checks that the backend answers.
     *
     * @throws StoreUnavailableException when it does not
     */
    default void ping() {
        load(PING_KEY, Instant.EPOCH); // one primary-key lookup of a key no id hashes to in practice
    }

    /** The key the default {@link #ping()} looks up. */
    LookupKey PING_KEY = new LookupKey("0".repeat(64));

    /** Releases the store's resources. Idempotent; does not throw. */
    @Override
    void close();
}
