package dev.sessionkit.servlet;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionStats;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.SessionStore;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.Touch;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a real store; while {@link #down} is set, every call fails the way an unreachable backend
 * does, at once, with {@link StoreUnavailableException}. Counts the writes that reach the store
 * ({@code create}, {@code apply}, {@code changeKey}, {@code touch}, {@code end},
 * {@code endByPrincipal}), so a test can check that a request wrote nothing.
 */
final class FailingStore implements SessionStore {

    private final SessionStore delegate;
    private volatile boolean down;
    private final AtomicInteger writes = new AtomicInteger();

    FailingStore(SessionStore delegate) {
        this.delegate = delegate;
    }

    void down(boolean value) {
        this.down = value;
    }

    /** How many writes reached the store so far. */
    int writes() {
        return writes.get();
    }

    private SessionStore writing(String operation) {
        SessionStore store = live(operation);
        writes.incrementAndGet();
        return store;
    }

    private SessionStore live(String operation) {
        if (down) {
            throw new StoreUnavailableException(operation, "connection refused (simulated)", new java.net.ConnectException());
        }
        return delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Optional<SessionData> load(LookupKey key, Instant now) {
        return live("load").load(key, now);
    }

    @Override
    public boolean create(SessionData session) {
        return writing("create").create(session);
    }

    @Override
    public Optional<SessionData> apply(LookupKey key, SessionDelta delta, Instant now) {
        return writing("apply").apply(key, delta, now);
    }

    @Override
    public Optional<SessionData> changeKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant now) {
        return writing("changeKey").changeKey(oldKey, newKey, delta, now);
    }

    @Override
    public boolean touch(LookupKey key, Touch touch, Instant now) {
        return writing("touch").touch(key, touch, now);
    }

    @Override
    public boolean end(LookupKey key, SessionStatus reason, Instant now) {
        return writing("end").end(key, reason, now);
    }

    @Override
    public List<SessionData> findByPrincipal(String principal, Instant now) {
        return live("findByPrincipal").findByPrincipal(principal, now);
    }

    @Override
    public int endByPrincipal(String principal, SessionStatus reason, Instant now) {
        return writing("endByPrincipal").endByPrincipal(principal, reason, now);
    }

    @Override
    public List<SessionData> findLive(Instant now, int limit) {
        return live("findLive").findLive(now, limit);
    }

    @Override
    public List<LookupKey> purgeExpired(Instant now, int limit) {
        return live("purgeExpired").purgeExpired(now, limit);
    }

    @Override
    public SessionStats stats(Instant now) {
        return live("stats").stats(now);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
