package dev.sessionkit;

import dev.sessionkit.SessionInstrumentation.Operation;
import dev.sessionkit.SessionInstrumentation.Outcome;
import dev.sessionkit.SessionInstrumentation.Scope;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store whose every call is timed through a {@link SessionInstrumentation}; what the manager
 * talks to when instrumentation is on (with none, it talks to the store itself and pays nothing).
 * The instrumentation's own failures are logged and swallowed; the store's pass through unchanged.
 */
final class Instrumented implements SessionStore {

    private static final Logger LOG = LoggerFactory.getLogger(Instrumented.class);

    private final SessionStore store;
    private final SessionInstrumentation instrumentation;

    private Instrumented(SessionStore store, SessionInstrumentation instrumentation) {
        this.store = store;
        this.instrumentation = instrumentation;
    }

    /** {@code store} timed by {@code instrumentation}, or {@code store} itself for {@link SessionInstrumentation#NONE}. */
    static SessionStore store(SessionStore store, SessionInstrumentation instrumentation) {
        return instrumentation == SessionInstrumentation.NONE ? store : new Instrumented(store, instrumentation);
    }

    /** Runs {@code call} inside a scope of {@code operation}. */
    static <T> T timed(SessionInstrumentation instrumentation, Operation operation, Supplier<T> call) {
        if (instrumentation == SessionInstrumentation.NONE) {
            return call.get();
        }
        Scope scope = start(instrumentation, operation);
        T result;
        try {
            result = call.get();
        } catch (RuntimeException | Error e) {
            stop(scope, Outcome.of(e), e);
            throw e;
        }
        stop(scope, Outcome.OK, null);
        return result;
    }

    static Scope start(SessionInstrumentation instrumentation, Operation operation) {
        try {
            Scope scope = instrumentation.start(operation);
            return scope == null ? Scope.NONE : scope;
        } catch (RuntimeException e) {
            warn(instrumentation, e);
            return Scope.NONE;
        }
    }

    static void stop(Scope scope, Outcome outcome, Throwable error) {
        try {
            scope.stop(outcome, error);
        } catch (RuntimeException e) {
            warn(scope, e);
        }
    }

    static void quietly(Object owner, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            warn(owner, e);
        }
    }

    private static void warn(Object owner, RuntimeException e) {
        LOG.warn("sessionkit: instrumentation {} failed; the request goes on", owner.getClass().getName(), e);
    }

    private <T> T timed(Operation operation, Supplier<T> call) {
        return timed(instrumentation, operation, call);
    }

    @Override
    public String name() {
        return store.name();
    }

    @Override
    public Optional<SessionData> load(LookupKey key, Instant now) {
        return timed(Operation.LOAD, () -> store.load(key, now));
    }

    @Override
    public boolean create(SessionData session) {
        return timed(Operation.CREATE, () -> store.create(session));
    }

    @Override
    public Optional<SessionData> apply(LookupKey key, SessionDelta delta, Instant now) {
        return timed(Operation.APPLY, () -> store.apply(key, delta, now));
    }

    @Override
    public Optional<SessionData> changeKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant now) {
        return timed(Operation.CHANGE_KEY, () -> store.changeKey(oldKey, newKey, delta, now));
    }

    @Override
    public Optional<SessionData> renewKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant graceUntil,
            Instant now) {
        return timed(Operation.RENEW_KEY, () -> store.renewKey(oldKey, newKey, delta, graceUntil, now));
    }

    @Override
    public boolean touch(LookupKey key, Touch touch, Instant now) {
        return timed(Operation.TOUCH, () -> store.touch(key, touch, now));
    }

    @Override
    public boolean end(LookupKey key, SessionStatus reason, Instant now) {
        return timed(Operation.END, () -> store.end(key, reason, now));
    }

    @Override
    public Optional<SessionStatus> statusOf(LookupKey key, Instant now) {
        return timed(Operation.LOAD, () -> store.statusOf(key, now));
    }

    @Override
    public List<SessionData> findByPrincipal(String principal, Instant now) {
        return timed(Operation.FIND_BY_PRINCIPAL, () -> store.findByPrincipal(principal, now));
    }

    @Override
    public int endByPrincipal(String principal, SessionStatus reason, Instant now) {
        return timed(Operation.END_BY_PRINCIPAL, () -> store.endByPrincipal(principal, reason, now));
    }

    @Override
    public int endOthersByPrincipal(String principal, LookupKey keep, SessionStatus reason, Instant now) {
        return timed(Operation.END_OTHERS_BY_PRINCIPAL, () -> store.endOthersByPrincipal(principal, keep, reason, now));
    }

    @Override
    public List<LookupKey> limitPrincipal(String principal, LookupKey current, int max, SessionLimitMode mode,
            Instant now) {
        return timed(Operation.LIMIT_PRINCIPAL, () -> store.limitPrincipal(principal, current, max, mode, now));
    }

    @Override
    public List<SessionData> findLive(Instant now, int limit) {
        return timed(Operation.FIND_LIVE, () -> store.findLive(now, limit));
    }

    @Override
    public List<LookupKey> purgeExpired(Instant now, int limit) {
        return timed(Operation.PURGE, () -> store.purgeExpired(now, limit));
    }

    @Override
    public SessionStats stats(Instant now) {
        return timed(Operation.STATS, () -> store.stats(now));
    }

    @Override
    public void ping() {
        timed(Operation.PING, () -> {
            store.ping();
            return null;
        });
    }

    @Override
    public void flush() {
        store.flush();
    }

    @Override
    public AutoCloseable subscribe(StoreEvents events) {
        return store.subscribe(events);
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        return store.unwrap(type);
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return store.toString();
    }
}
