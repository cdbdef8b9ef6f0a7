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
 * <p><b>The previous key.</b> A session renewed with {@link #renewKey} answers, until the grace
 * instant that call gave, to the key it had before as well: {@link #load}, {@link #apply},
 * {@link #touch}, {@link #end} and {@link #changeKey} given that previous key act on the same
 * session exactly as under its current key, and what they return carries the current key. Writes
 * are accepted, not only reads, because the previous key is used by requests that were already
 * in flight when the renewal was committed (parallel calls of one page): refusing their writes
 * would lose them without the user knowing. A session has at most one previous key (a later
 * renewal replaces it, {@link #changeKey} drops it), the previous key never extends its own grace,
 * and an ended session answers to neither key: they are one session.
 *
 * <p>What a store accepts is the same everywhere: {@link #create}, {@link #apply},
 * {@link #changeKey} and {@link #renewKey} check their input with {@link SessionJson#validate(SessionData)} or
 * {@link SessionJson#validate(SessionDelta)} before writing anything, so an unstorable attribute
 * name or value fails with {@link AttributeSerializationException} and an unstorable principal
 * with {@link IllegalArgumentException} in every store. Client metadata (ip, user agent) never
 * fails: a store keeps it as {@link SessionJson#clientText(String)} cleans it. Looking up or ending
 * the sessions of a principal no store can hold finds none.
 *
 * <p>Implementations are thread-safe. Every method may throw {@link StoreUnavailableException}
 * when the backend cannot be reached. After {@link #close()}, every method but {@code close} and
 * {@link #name()} throws {@link IllegalStateException}, whatever the backend; a store never
 * closes a resource it was handed (a {@code DataSource}, say). The behaviour of every method is
 * pinned down by the contract suite in {@code session-testkit}; a store that passes it can be
 * used anywhere.
 *
 * <p>Methods added to this interface in later versions come with a default, so a store compiled
 * against an older version keeps linking; where a default cannot give the guarantee (atomicity),
 * its javadoc says so and the contract checks it.
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
     * checked when they were set, but a store checks again with
     * {@link SessionJson#validate(SessionData)}, since callers other than {@link Session} may call
     * it. Its ip and user agent are kept as {@link SessionJson#clientText(String)} makes them.
     *
     * @return {@code false}, changing nothing, when a session is already filed under its key
     * @throws AttributeSerializationException when an attribute name or value cannot be stored
     * @throws IllegalArgumentException when the principal cannot be stored
     */
    boolean create(SessionData session);

    /**
     * Applies {@code delta} atomically to a live session.
     *
     * @return the session as stored afterwards, or empty when it is not live (nothing is written)
     * @throws AttributeSerializationException when a name set, removed or incremented, or a value
     *     set, cannot be stored (checked with {@link SessionJson#validate(SessionDelta)}; nothing is
     *     written)
     * @throws IllegalArgumentException when a new principal cannot be stored
     */
    Optional<SessionData> apply(LookupKey key, SessionDelta delta, Instant now);

    /**
     * Moves a live session to {@code newKey} and applies {@code delta}, in one atomic step; the
     * old key stops working at once, and so does a previous key the session had from a
     * {@link #renewKey renewal}. The stored {@link SessionData#keyIssuedAt()} becomes {@code now}.
     *
     * @return the session as stored afterwards, or empty when {@code oldKey} is not live or
     *     {@code newKey} is taken (nothing is written)
     * @throws AttributeSerializationException as {@link #apply} does
     * @throws IllegalArgumentException as {@link #apply} does
     */
    Optional<SessionData> changeKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant now);

    /**
     * Renews the id of a live session (OWASP's renewal timeout): moves it from {@code oldKey} to
     * {@code newKey} and applies {@code delta}, in one atomic step, like {@link #changeKey}, except
     * that {@code oldKey} stays the session's previous key until {@code graceUntil} (exclusive),
     * for requests already in flight with the old cookie; a previous key from an earlier renewal
     * stops working at once. The stored {@link SessionData#keyIssuedAt()} becomes {@code now}.
     *
     * <p>Only the current key renews: given a previous key, or a session that is not live, or a
     * {@code newKey} that is taken, it returns empty and writes nothing. So of two requests that
     * renew the same session at once, exactly one succeeds, and the other finds its key is now the
     * previous one (and may still write through it until {@code graceUntil}).
     *
     * <p>No default: a store that cannot keep the previous key cannot renew correctly, and
     * {@link #changeKey} would cut off the requests in flight.
     *
     * @param graceUntil when {@code oldKey} stops working; not before {@code now}
     * @return the session as stored afterwards, under {@code newKey}; or empty (nothing written)
     * @throws AttributeSerializationException as {@link #apply} does
     * @throws IllegalArgumentException as {@link #apply} does, and when {@code graceUntil} is
     *     before {@code now}
     */
    Optional<SessionData> renewKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant graceUntil,
            Instant now);

    /**
     * Moves the access time and idle expiry of a live session forward, without rewriting its
     * data. The version grows, as with every write.
     *
     * <p>A store may <b>defer</b> touches (the PostgreSQL store's write-behind mode queues them and
     * writes many sessions in one statement, off the request thread). A deferred touch has every
     * guard of one written at once, checked when it is written: it applies only if the session is
     * still live at {@code now} and has not ended meanwhile (a touch never revives a session that
     * was logged out, revoked or replaced before it was written), and times only move forward, so
     * touches of one session from several requests or instances keep the latest. It becomes
     * visible to {@link #load} and every other reader at the latest after {@link #flush()}; until
     * then readers see the session as it was. A deferred touch that cannot be written (the store's
     * queue is full, the backend stays down) is lost: the session keeps the expiry of its last
     * written touch, so it can only expire earlier, never later.
     *
     * @return {@code false} when the store knows that no live session has this key (nothing is
     *     written); {@code true} when it moved the times, or, for a deferred touch, when it
     *     accepted the touch without asking the backend, which does not mean the session is live
     */
    boolean touch(LookupKey key, Touch touch, Instant now);

    /**
     * Writes what the store deferred ({@link #touch touches} it queued) and returns once that is
     * visible to every reader. A store that defers nothing does nothing, which is the default.
     * {@link SessionManager#close()} calls it; tests and benchmarks call it before reading what a
     * touch wrote.
     *
     * @throws StoreUnavailableException when the backend cannot be reached; what was deferred stays
     *     deferred for a later attempt
     * @throws IllegalStateException when the store is closed (a store writes what it deferred when
     *     it closes)
     */
    default void flush() {
    }

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
     * Ends every live session of a principal except {@code keep} ("sign out my other devices"), in
     * one step.
     *
     * <p>The default lists the principal's sessions and ends them one by one; a store overrides it
     * with one atomic operation (one statement, one lock).
     *
     * @param keep   the session to leave alone (the caller's own); may be a key that is not live
     * @param reason why they ended; not {@link SessionStatus#ACTIVE}
     * @return how many sessions ended
     * @throws IllegalArgumentException if {@code reason} is {@code ACTIVE}
     */
    default int endOthersByPrincipal(String principal, LookupKey keep, SessionStatus reason, Instant now) {
        SessionStore.requireEndReason(reason);
        int ended = 0;
        for (SessionData session : findByPrincipal(principal, now)) {
            if (!session.key().equals(keep) && end(session.key(), reason, now)) {
                ended++;
            }
        }
        return ended;
    }

    /**
     * Enforces the per-user session limit after {@code current} signed in as {@code principal}, as
     * one atomic step per principal: while it runs, no other call for the same principal does.
     * "Live sessions of the principal" counts {@code current} and every other live session.
     * <ul>
     *   <li>{@link SessionLimitMode#REPLACE_OLDEST}: the oldest other live sessions (by creation
     *       time) end with {@link SessionStatus#REPLACED} until at most {@code max} are live;
     *       {@code current} never ends.</li>
     *   <li>{@link SessionLimitMode#REFUSE_NEW}: when {@code max} other live sessions exist,
     *       {@code current} ends with {@link SessionStatus#REVOKED} (the login is refused) and the
     *       others stay; otherwise nothing changes.</li>
     * </ul>
     * Because every login calls this after its own write, and the calls are serialised per
     * principal, any number of parallel logins leave exactly {@code max} live sessions (or fewer).
     *
     * <p>The default is built from {@link #findByPrincipal} and {@link #end} and is not atomic;
     * the contract's parallel-login test fails for a store that keeps it.
     *
     * @param max at least 1
     * @return the keys that ended, oldest first; they contain {@code current} exactly when the
     *     login was refused
     * @throws IllegalArgumentException if {@code max} is not positive
     */
    default List<LookupKey> limitPrincipal(String principal, LookupKey current, int max, SessionLimitMode mode,
            Instant now) {
        SessionStore.requireLimit(max);
        List<SessionData> others = new java.util.ArrayList<>(findByPrincipal(principal, now));
        others.removeIf(session -> session.key().equals(current));
        return PrincipalLimits.apply(this, others, current, max, mode, now);
    }

    /**
     * Lists live sessions, oldest first, at most {@code limit}.
     *
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    List<SessionData> findLive(Instant now, int limit);

    /**
     * Removes at most {@code limit} sessions that have expired at {@code now}, and returns their
     * keys. Safe to call from several threads and processes at once; callers loop until fewer
     * than {@code limit} keys come back. A store that keeps ended sessions for audit may also
     * remove audit rows past their retention in the same call; those are not returned (they were
     * not live, and their end was reported when it happened).
     *
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    List<LookupKey> purgeExpired(Instant now, int limit);

    /** Counts sessions at {@code now}. */
    SessionStats stats(Instant now);

    /**
     * Why {@code key} names no live session, for the rejected-cookie metric: its ended status
     * ({@link SessionStatus#LOGGED_OUT}, {@link SessionStatus#REVOKED}, {@link SessionStatus#REPLACED}),
     * {@link SessionStatus#EXPIRED} when it is still held but past an expiry (or was ended by the
     * sweeper), {@link SessionStatus#ACTIVE} when it is live, or empty when the store holds nothing
     * under the key. Called only on the rare path where a correctly signed cookie named no live
     * session, and only when instrumentation is on.
     *
     * <p>The default answers {@link SessionStatus#ACTIVE} for a live session and empty otherwise
     * (a store without an audit trail cannot tell).
     */
    default Optional<SessionStatus> statusOf(LookupKey key, Instant now) {
        return load(key, now).map(SessionData::status);
    }

    /**
     * Subscribes {@code events} to what other instances sharing this store's backend do to
     * sessions (see {@link StoreEvents}); the returned handle unsubscribes. The default delivers
     * nothing: a store that only one process can use (memory) has no other instances to hear.
     * {@link SessionManager} subscribes once when it is built and unsubscribes when it closes.
     */
    default AutoCloseable subscribe(StoreEvents events) {
        java.util.Objects.requireNonNull(events, "events");
        return () -> {
        };
    }

    /**
     * A part of this store of the given type, for integrations that bind to it (the Micrometer
     * binding asks for the PostgreSQL store's connection pool, {@code com.zaxxer.hikari.HikariDataSource},
     * to publish its metrics). The default has none.
     */
    default <T> Optional<T> unwrap(Class<T> type) {
        java.util.Objects.requireNonNull(type, "type");
        return Optional.empty();
    }

    /**
     * Checks that the backend answers.
     *
     * @throws StoreUnavailableException when it does not
     * @throws IllegalStateException when the store is closed
     */
    default void ping() {
        load(PING_KEY, Instant.EPOCH); // one primary-key lookup of a key no id hashes to in practice
    }

    /** The key the default {@link #ping()} looks up. */
    LookupKey PING_KEY = new LookupKey("0".repeat(64));

    /**
     * Releases the resources the store made itself (not those it was handed), after which every
     * other method but {@link #name()} throws {@link IllegalStateException}. Idempotent; does not
     * throw.
     */
    @Override
    void close();

    /**
     * The argument check of {@link #end} and {@link #endByPrincipal}, the same in every store.
     *
     * @return {@code reason}
     * @throws NullPointerException if {@code reason} is null
     * @throws IllegalArgumentException if {@code reason} is {@link SessionStatus#ACTIVE}
     */
    static SessionStatus requireEndReason(SessionStatus reason) {
        java.util.Objects.requireNonNull(reason, "reason");
        if (reason == SessionStatus.ACTIVE) {
            throw new IllegalArgumentException("a session cannot end with status ACTIVE");
        }
        return reason;
    }

    /**
     * The argument check of {@link #renewKey}, the same in every store.
     *
     * @return {@code graceUntil}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code graceUntil} is before {@code now}
     */
    static Instant requireGrace(Instant graceUntil, Instant now) {
        java.util.Objects.requireNonNull(graceUntil, "graceUntil");
        java.util.Objects.requireNonNull(now, "now");
        if (graceUntil.isBefore(now)) {
            throw new IllegalArgumentException("graceUntil " + graceUntil + " is before now " + now);
        }
        return graceUntil;
    }

    /**
     * The argument check of {@link #findLive} and {@link #purgeExpired}, the same in every store.
     *
     * @return {@code limit}
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    static int requireLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, not " + limit);
        }
        return limit;
    }
}
