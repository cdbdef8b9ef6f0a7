package dev.sessionkit.testkit;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionLimitMode;
import dev.sessionkit.SessionStats;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.SessionStore;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.Touch;
import java.net.ConnectException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A store outage for tests of what sits above a store (adapters, applications): wraps a real
 * store and, once switched, fails every call, or the chosen operations only, at once and the way
 * an unreachable backend does, with a {@link StoreUnavailableException} whose
 * {@link StoreUnavailableException#operation() operation} is the method's name and whose cause is
 * a {@link ConnectException}. While nothing is switched it passes every call through. It also
 * counts the writes that reach the store, so a test can check that a request wrote nothing.
 *
 * <pre>{@code
 * FailingStore store = FailingStore.wrapping(CaffeineSessionStore.builder().build());
 * store.failAll();                                  // every operation but name and close
 * store.fail(FailingStore.Operation.APPLY);        // only apply
 * store.recover();                                  // back to normal
 * }</pre>
 *
 * <p>Thread-safe: the switch may be flipped while requests run. {@link #name()} and
 * {@link #close()} always reach the wrapped store.
 */
public final class FailingStore implements SessionStore {

    /** The operations that can be made to fail; each is the {@link SessionStore} method of its name. */
    public enum Operation {
        LOAD("load"), CREATE("create"), APPLY("apply"), CHANGE_KEY("changeKey"), RENEW_KEY("renewKey"), TOUCH("touch"),
        END("end"),
        FIND_BY_PRINCIPAL("findByPrincipal"), END_BY_PRINCIPAL("endByPrincipal"),
        END_OTHERS_BY_PRINCIPAL("endOthersByPrincipal"), LIMIT_PRINCIPAL("limitPrincipal"), FIND_LIVE("findLive"),
        PURGE_EXPIRED("purgeExpired"), STATS("stats"), PING("ping");

        private final String method;

        Operation(String method) {
            this.method = method;
        }

        /** The name of the {@link SessionStore} method, as {@link StoreUnavailableException#operation()} reports it. */
        public String method() {
            return method;
        }
    }

    private final SessionStore delegate;
    private final AtomicInteger writes = new AtomicInteger();
    private volatile Set<Operation> failing = EnumSet.noneOf(Operation.class);

    private FailingStore(SessionStore delegate) {
        this.delegate = delegate;
    }

    /**
     * A switch around {@code delegate}, passing every call through until told otherwise.
     *
     * @throws NullPointerException if {@code delegate} is null
     */
    public static FailingStore wrapping(SessionStore delegate) {
        return new FailingStore(Objects.requireNonNull(delegate, "delegate"));
    }

    /** Fails every operation from now on. */
    public void failAll() {
        failing = EnumSet.allOf(Operation.class);
    }

    /** Fails exactly the given operations from now on; the others pass through. */
    public void fail(Operation first, Operation... more) {
        failing = EnumSet.of(first, more);
    }

    /** Passes every call through again. */
    public void recover() {
        failing = EnumSet.noneOf(Operation.class);
    }

    /** The wrapped store. */
    public SessionStore delegate() {
        return delegate;
    }

    /**
     * How many writes ({@code create}, {@code apply}, {@code changeKey}, {@code renewKey}, {@code touch},
     * {@code end}, {@code endByPrincipal}) reached the wrapped store so far.
     */
    public int writes() {
        return writes.get();
    }

    private <T> T read(Operation operation, Supplier<T> call) {
        check(operation);
        return call.get();
    }

    private <T> T write(Operation operation, Supplier<T> call) {
        check(operation);
        writes.incrementAndGet();
        return call.get();
    }

    private void check(Operation operation) {
        if (failing.contains(operation)) {
            throw new StoreUnavailableException(operation.method(), "connection refused (simulated outage)",
                    new ConnectException("connection refused"));
        }
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Optional<SessionData> load(LookupKey key, Instant now) {
        return read(Operation.LOAD, () -> delegate.load(key, now));
    }

    @Override
    public Optional<SessionStatus> statusOf(LookupKey key, Instant now) {
        return read(Operation.LOAD, () -> delegate.statusOf(key, now));
    }

    @Override
    public AutoCloseable subscribe(dev.sessionkit.StoreEvents events) {
        return delegate.subscribe(events);
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        return delegate.unwrap(type);
    }

    @Override
    public boolean create(SessionData session) {
        return write(Operation.CREATE, () -> delegate.create(session));
    }

    @Override
    public Optional<SessionData> apply(LookupKey key, SessionDelta delta, Instant now) {
        return write(Operation.APPLY, () -> delegate.apply(key, delta, now));
    }

    @Override
    public Optional<SessionData> changeKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant now) {
        return write(Operation.CHANGE_KEY, () -> delegate.changeKey(oldKey, newKey, delta, now));
    }

    @Override
    public Optional<SessionData> renewKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant graceUntil,
            Instant now) {
        return write(Operation.RENEW_KEY, () -> delegate.renewKey(oldKey, newKey, delta, graceUntil, now));
    }

    @Override
    public boolean touch(LookupKey key, Touch touch, Instant now) {
        return write(Operation.TOUCH, () -> delegate.touch(key, touch, now));
    }

    @Override
    public boolean end(LookupKey key, SessionStatus reason, Instant now) {
        return write(Operation.END, () -> delegate.end(key, reason, now));
    }

    @Override
    public List<SessionData> findByPrincipal(String principal, Instant now) {
        return read(Operation.FIND_BY_PRINCIPAL, () -> delegate.findByPrincipal(principal, now));
    }

    @Override
    public int endByPrincipal(String principal, SessionStatus reason, Instant now) {
        return write(Operation.END_BY_PRINCIPAL, () -> delegate.endByPrincipal(principal, reason, now));
    }

    @Override
    public int endOthersByPrincipal(String principal, LookupKey keep, SessionStatus reason, Instant now) {
        return write(Operation.END_OTHERS_BY_PRINCIPAL, () -> delegate.endOthersByPrincipal(principal, keep, reason, now));
    }

    /** Passed to the delegate, so its atomicity holds through the wrapper (the default would not be atomic). */
    @Override
    public List<LookupKey> limitPrincipal(String principal, LookupKey current, int max, SessionLimitMode mode,
            Instant now) {
        return write(Operation.LIMIT_PRINCIPAL, () -> delegate.limitPrincipal(principal, current, max, mode, now));
    }

    @Override
    public List<SessionData> findLive(Instant now, int limit) {
        return read(Operation.FIND_LIVE, () -> delegate.findLive(now, limit));
    }

    @Override
    public List<LookupKey> purgeExpired(Instant now, int limit) {
        return read(Operation.PURGE_EXPIRED, () -> delegate.purgeExpired(now, limit));
    }

    @Override
    public SessionStats stats(Instant now) {
        return read(Operation.STATS, () -> delegate.stats(now));
    }

    @Override
    public void ping() {
        check(Operation.PING);
        delegate.ping();
    }

    /** Passes through, like {@link #close()}: it only writes what the wrapped store deferred. */
    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "FailingStore[" + delegate + ", failing=" + failing + "]";
    }
}
