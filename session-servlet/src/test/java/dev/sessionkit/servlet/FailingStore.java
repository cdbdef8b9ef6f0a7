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

/**
 * Wraps a real store; while {@link #down} is set, every call fails the way an unreachable backend
 * does, at once, with {@link StoreUnavailableException}.
 */
final class FailingStore implements SessionStore {

    private final SessionStore delegate;
    private volatile boolean down;

    FailingStore(SessionStore delegate) {
        this.delegate = delegate;
    }

    void down(boolean value) {
        this.down = value;
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
        return live("create").create(session);
    }

    @Override
    public Optional<SessionData> apply(LookupKey key, SessionDelta delta, Instant now) {
        return live("apply").apply(key, delta, now);
    }

    @Override
    public Optional<SessionData> changeKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant now) {
        return live("changeKey").changeKey(oldKey, newKey, delta, now);
    }

    @Override
    public boolean touch(LookupKey key, Touch touch, Instant now) {
        return live("touch").touch(key, touch, now);
    }

    @Override
    public boolean end(LookupKey key, SessionStatus reason, Instant now) {
        return live("end").end(key, reason, now);
    }

    @Override
    public List<SessionData> findByPrincipal(String principal, Instant now) {
        return live("findByPrincipal").findByPrincipal(principal, now);
    }

    @Override
    public int endByPrincipal(String principal, SessionStatus reason, Instant now) {
        return live("endByPrincipal").endByPrincipal(principal, reason, now);
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
