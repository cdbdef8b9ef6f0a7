package dev.sessionkit.examples;

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
import java.util.function.Supplier;

/**
 * The in-memory store cannot be unplugged, so its outage is simulated: while switched off, every
 * call fails the way an unreachable database does, with {@link StoreUnavailableException}.
 */
final class SwitchableStore implements SessionStore {

    private final SessionStore delegate;
    private volatile boolean off;

    SwitchableStore(SessionStore delegate) {
        this.delegate = delegate;
    }

    void switchOff() {
        off = true;
    }

    void switchOn() {
        off = false;
    }

    private <T> T call(String operation, Supplier<T> action) {
        if (off) {
            throw new StoreUnavailableException(operation, "the store is switched off for a test", null);
        }
        return action.get();
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Optional<SessionData> load(LookupKey key, Instant now) {
        return call("load", () -> delegate.load(key, now));
    }

    @Override
    public boolean create(SessionData session) {
        return call("create", () -> delegate.create(session));
    }

    @Override
    public Optional<SessionData> apply(LookupKey key, SessionDelta delta, Instant now) {
        return call("apply", () -> delegate.apply(key, delta, now));
    }

    @Override
    public Optional<SessionData> changeKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant now) {
        return call("changeKey", () -> delegate.changeKey(oldKey, newKey, delta, now));
    }

    @Override
    public boolean touch(LookupKey key, Touch touch, Instant now) {
        return call("touch", () -> delegate.touch(key, touch, now));
    }

    @Override
    public boolean end(LookupKey key, SessionStatus reason, Instant now) {
        return call("end", () -> delegate.end(key, reason, now));
    }

    @Override
    public List<SessionData> findByPrincipal(String principal, Instant now) {
        return call("findByPrincipal", () -> delegate.findByPrincipal(principal, now));
    }

    @Override
    public int endByPrincipal(String principal, SessionStatus reason, Instant now) {
        return call("endByPrincipal", () -> delegate.endByPrincipal(principal, reason, now));
    }

    @Override
    public List<SessionData> findLive(Instant now, int limit) {
        return call("findLive", () -> delegate.findLive(now, limit));
    }

    @Override
    public List<LookupKey> purgeExpired(Instant now, int limit) {
        return call("purgeExpired", () -> delegate.purgeExpired(now, limit));
    }

    @Override
    public SessionStats stats(Instant now) {
        return call("stats", () -> delegate.stats(now));
    }

    @Override
    public void ping() {
        call("ping", () -> {
            delegate.ping();
            return null;
        });
    }

    @Override
    public void close() {
        delegate.close();
    }
}
