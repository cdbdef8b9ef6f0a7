package dev.sessionkit;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link SessionManager} reports for metrics and traces, without tying core to a metrics
 * library: the timing of every request step and store call, rejected cookies, the encoded size of
 * sessions written, and sweeps. Session life-cycle events (created, ended, id changed) come
 * through {@link SessionListener}, which a metrics binding implements as well. The Micrometer
 * binding lives in {@code session-micrometer}.
 *
 * <p>Every method has an empty default and runs on the request thread (or the sweeper's), so an
 * implementation must be cheap and thread-safe. An exception thrown by one is logged at WARN and
 * never breaks a request. Nothing passed here carries a session id or lookup key, so no tag made
 * from it can identify a session.
 */
public interface SessionInstrumentation {

    /** Reports nothing; what a manager uses when none is given (it then wraps nothing). */
    SessionInstrumentation NONE = new SessionInstrumentation() {
    };

    /**
     * Starts timing {@code operation}; the manager stops the returned scope exactly once, on the
     * same thread, when the operation returns or throws. Scopes nest: the store calls a commit
     * makes start and stop inside the commit's scope.
     */
    default Scope start(Operation operation) {
        return Scope.NONE;
    }

    /** A session cookie (or session header) came with the request and named no live session. */
    default void cookieRejected(CookieRejection reason) {
    }

    /**
     * A session was written (created, changed, or moved to a new id); {@code bytes} is the size of
     * its attributes as JSON, as {@code SESSION_MAX_BYTES} counts them.
     */
    default void sessionWritten(int bytes) {
    }

    /**
     * The sweeper finished a run: {@code batches} calls of {@link SessionStore#purgeExpired},
     * {@code purged} sessions removed, in {@code took}; {@code outcome} is not {@link Outcome#OK}
     * when the run stopped on a failure.
     */
    default void sweepFinished(int batches, int purged, Duration took, Outcome outcome) {
    }

    /** Several instrumentations as one, called in order. */
    static SessionInstrumentation composite(List<SessionInstrumentation> parts) {
        List<SessionInstrumentation> all = List.copyOf(parts);
        if (all.isEmpty()) {
            return NONE;
        }
        return all.size() == 1 ? all.get(0) : new CompositeInstrumentation(all);
    }

    /** A started operation. */
    interface Scope {

        /** A scope that records nothing. */
        Scope NONE = (outcome, error) -> {
        };

        /**
         * Stops the scope.
         *
         * @param outcome how the operation ended
         * @param error what it threw, or null when it returned
         */
        void stop(Outcome outcome, Throwable error);
    }

    /** The operations timed: the two request steps and every store call. */
    enum Operation {
        /** {@link SessionManager#resolve}: read and verify the cookie, load the session. */
        RESOLVE(false),
        /** {@link SessionManager#commit}: write what the request changed. */
        COMMIT(false),
        LOAD(true), CREATE(true), APPLY(true), TOUCH(true), END(true), CHANGE_KEY(true), RENEW_KEY(true),
        FIND_BY_PRINCIPAL(true), END_BY_PRINCIPAL(true), END_OTHERS_BY_PRINCIPAL(true), LIMIT_PRINCIPAL(true),
        FIND_LIVE(true), PURGE(true), STATS(true), PING(true);

        private final boolean storeCall;
        private final String code;

        Operation(boolean storeCall) {
            this.storeCall = storeCall;
            String[] words = name().toLowerCase(Locale.ROOT).split("_");
            StringBuilder camel = new StringBuilder(words[0]);
            for (int i = 1; i < words.length; i++) {
                camel.append(Character.toUpperCase(words[i].charAt(0))).append(words[i], 1, words[i].length());
            }
            this.code = camel.toString();
        }

        /** Whether this is a {@link SessionStore} call (else a request step). */
        public boolean storeCall() {
            return storeCall;
        }

        /** The name used in tags: the store method's name ({@code changeKey}), or {@code resolve}, {@code commit}. */
        public String code() {
            return code;
        }
    }

    /** How an operation ended. */
    enum Outcome {
        /** It returned (a "not found" is a normal return). */
        OK,
        /** The store could not be reached ({@link StoreUnavailableException}). */
        UNAVAILABLE,
        /** It threw anything else. */
        ERROR;

        /** The name used in tags: {@code ok}, {@code unavailable}, {@code error}. */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The outcome of an operation that threw {@code error}. */
        public static Outcome of(Throwable error) {
            return error == null ? OK : error instanceof StoreUnavailableException ? UNAVAILABLE : ERROR;
        }
    }

    /** Why a session cookie (or header) that came with a request named no live session. */
    enum CookieRejection {
        /** Not a well-formed signed value (wrong length or alphabet, twice with different values, oversized headers). */
        MALFORMED("malformed"),
        /** Well formed, but no configured secret signed it: forged, tampered, or signed with a retired secret. */
        BAD_SIGNATURE("bad-signature"),
        /** Signed by us, but the store knows no such session (never stored, or purged). */
        UNKNOWN("unknown"),
        /** Signed by us, for a session that was logged out, revoked or replaced. */
        ENDED("ended"),
        /** Signed by us, for a session past its idle or absolute expiry. */
        EXPIRED("expired");

        private final String code;

        CookieRejection(String code) {
            this.code = code;
        }

        /** The name used in tags. */
        public String code() {
            return code;
        }
    }
}

/** Calls each part in turn; a part that throws does not stop the others. */
final class CompositeInstrumentation implements SessionInstrumentation {

    private final List<SessionInstrumentation> parts;

    CompositeInstrumentation(List<SessionInstrumentation> parts) {
        this.parts = Objects.requireNonNull(parts);
    }

    @Override
    public Scope start(Operation operation) {
        Scope[] scopes = new Scope[parts.size()];
        for (int i = 0; i < scopes.length; i++) {
            scopes[i] = Instrumented.start(parts.get(i), operation);
        }
        return (outcome, error) -> {
            for (int i = scopes.length - 1; i >= 0; i--) {
                Instrumented.stop(scopes[i], outcome, error);
            }
        };
    }

    @Override
    public void cookieRejected(CookieRejection reason) {
        parts.forEach(p -> Instrumented.quietly(p, () -> p.cookieRejected(reason)));
    }

    @Override
    public void sessionWritten(int bytes) {
        parts.forEach(p -> Instrumented.quietly(p, () -> p.sessionWritten(bytes)));
    }

    @Override
    public void sweepFinished(int batches, int purged, Duration took, Outcome outcome) {
        parts.forEach(p -> Instrumented.quietly(p, () -> p.sweepFinished(batches, purged, took, outcome)));
    }
}
