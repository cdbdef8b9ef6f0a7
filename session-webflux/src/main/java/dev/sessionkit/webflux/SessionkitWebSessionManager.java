package dev.sessionkit.webflux;

import dev.sessionkit.RequestInfo;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.WebSessionManager;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A Spring WebFlux {@link WebSessionManager} on a {@link SessionManager}: the {@link WebSession}
 * of {@code ServerWebExchange.getSession()} is a sessionkit session, with the signed cookie (or the
 * {@code SESSION_HEADER} token), expiry, delta writes and revocation of every other adapter.
 *
 * <p>Per exchange, nothing happens until the application (or Spring Security) asks for the
 * session. Then the manager:
 * <ul>
 *   <li>resolves the cookie (one store read when it names a session); when the store is
 *       unavailable, the session {@code Mono} fails with {@link dev.sessionkit.StoreUnavailableException},
 *       which {@link SessionWebExceptionHandler} turns into a 503;</li>
 *   <li>hands out a {@link WebSession} whose attributes are the session's, stored as JSON and read
 *       back as the class that was put (for allowed attribute types); {@code changeSessionId()}
 *       rotates the id keeping the data, {@code invalidate()} ends the session at commit and
 *       clears the cookie;</li>
 *   <li>commits in {@code ServerHttpResponse.beforeCommit}, so the {@code Set-Cookie} (and
 *       {@code Cache-Control: no-store} with it) is on every response that changes the cookie: a
 *       read-only request inside the touch interval writes nothing, a changed session writes its
 *       delta, which the store merges with concurrent writes.</li>
 * </ul>
 * A session changed after the response was committed (while a streamed body is written) is not
 * saved, as with WebFlux's own manager.
 *
 * <p><b>Threads.</b> Store calls run on the {@link Builder#storeScheduler store scheduler}, a
 * bounded one made for blocking work ({@link Schedulers#boundedElastic()} by default), so a JDBC
 * store never blocks a Netty event loop; for the memory store, which does not block, they run
 * inline on the calling thread by default. Everything else (signing, JSON) runs where the
 * application's code runs. The session of one exchange must not be used by two threads at once,
 * as with any {@code WebSession}.
 *
 * <p>Register it as the {@code webSessionManager} bean (the Spring Boot starter does), and
 * {@link SessionWebExceptionHandler} as a bean so a store outage is answered with 503. The manager
 * does not close the {@code SessionManager}. Thread-safe.
 */
public final class SessionkitWebSessionManager implements WebSessionManager {

    private static final Logger LOG = LoggerFactory.getLogger(SessionkitWebSessionManager.class);

    /** The exchange attribute under which an exchange's session state is kept. */
    static final String STATE_ATTRIBUTE = SessionkitWebSessionManager.class.getName() + ".state";

    private final SessionManager manager;
    private final Scheduler scheduler;
    private final PrincipalAttribute principalAttribute;

    private SessionkitWebSessionManager(Builder b) {
        this.manager = b.manager;
        this.scheduler = b.inline ? null : b.scheduler;
        this.principalAttribute = b.principalAttribute;
        seedRandomness();
        LOG.info("sessionkit: WebFlux session manager on the {} store, store calls {}", manager.store().name(),
                scheduler == null ? "inline" : "on " + scheduler);
    }

    /**
     * Session ids come from the JDK's DRBG, one generator per thread; each new generator seeds from a
     * JVM-wide seeder, which reads the operating system's entropy (a file read) once, when the first
     * generator of the JVM is used. Use one here, on the thread that builds the manager, so that read
     * never happens on an event loop.
     */
    private static void seedRandomness() {
        try {
            java.security.SecureRandom.getInstance("DRBG").nextBytes(new byte[1]);
        } catch (java.security.NoSuchAlgorithmException e) {
            LOG.warn("sessionkit: no DRBG in this JVM; session ids come from the default SecureRandom, which may read"
                    + " /dev/urandom on the thread that creates a session");
        }
    }

    /** A manager with the default store scheduler. */
    public static SessionkitWebSessionManager of(SessionManager manager) {
        return builder(manager).build();
    }

    /** A builder for a manager on {@code manager}. */
    public static Builder builder(SessionManager manager) {
        return new Builder(manager);
    }

    /**
     * The sessionkit state of an exchange: the way to the full {@link dev.sessionkit.Session} API
     * ({@code increment}, {@code login}, typed {@code get}). It resolves the session as
     * {@code exchange.getSession()} does (the same, once per exchange); changes made through it are
     * committed with the response like those made through the {@link WebSession}.
     *
     * @return the context; an error when the store is unavailable, or when the exchange's session
     *     manager is not a {@code SessionkitWebSessionManager} ({@link IllegalStateException})
     */
    public static Mono<SessionContext> context(ServerWebExchange exchange) {
        Objects.requireNonNull(exchange, "exchange");
        return exchange.getSession().map(session -> {
            if (session instanceof ReactiveSession ours) {
                return ours.exchangeSession().context();
            }
            throw new IllegalStateException("the exchange's WebSessionManager is not sessionkit's");
        });
    }

    /**
     * Runs {@code call}, which may block on the store (listing a user's sessions, revoking them),
     * where this manager runs its own store calls: on the store scheduler, or inline.
     */
    public <T> Mono<T> onStoreScheduler(Callable<T> call) {
        Mono<T> mono = Mono.fromCallable(call);
        return scheduler == null ? mono : mono.subscribeOn(scheduler);
    }

    /** The manager sessions come from. */
    public SessionManager manager() {
        return manager;
    }

    /** The attribute the session's principal follows, or null. */
    PrincipalAttribute principalAttribute() {
        return principalAttribute;
    }

    @Override
    public Mono<WebSession> getSession(ServerWebExchange exchange) {
        return onStoreScheduler(() -> manager.resolve(requestInfo(exchange.getRequest())))
                .map(context -> {
                    ExchangeSession state = new ExchangeSession(this, context, exchange);
                    exchange.getAttributes().put(STATE_ATTRIBUTE, state);
                    exchange.getResponse().beforeCommit(state::commitBeforeResponse);
                    return state.webSession();
                });
    }

    private RequestInfo requestInfo(ServerHttpRequest request) {
        HttpHeaders headers = request.getHeaders();
        InetSocketAddress remote = request.getRemoteAddress();
        String address = remote == null ? null
                : remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
        RequestInfo.Builder info = RequestInfo.builder()
                .cookieHeaders(headers.getOrEmpty(HttpHeaders.COOKIE))
                .secure(request.getSslInfo() != null)
                .remoteAddress(address)
                .userAgent(headers.getFirst(HttpHeaders.USER_AGENT))
                .forwardedProto(joined(headers.get("X-Forwarded-Proto")))
                .forwardedFor(joined(headers.get("X-Forwarded-For")));
        String sessionHeader = manager.settings().sessionHeader();
        if (sessionHeader != null) {
            // several lines are joined as HTTP combines them; no valid token matches that
            info.sessionHeader(joined(headers.get(sessionHeader)));
        }
        return info.build();
    }

    private static String joined(List<String> values) {
        return values == null || values.isEmpty() ? null : String.join(",", values);
    }

    @Override
    public String toString() {
        return "SessionkitWebSessionManager[store=" + manager.store().name() + "]";
    }

    /** Builds a {@link SessionkitWebSessionManager}. Not thread-safe. */
    public static final class Builder {

        private final SessionManager manager;
        private Scheduler scheduler = Schedulers.boundedElastic();
        private boolean inline;
        private boolean threadsSet;
        private PrincipalAttribute principalAttribute;

        private Builder(SessionManager manager) {
            this.manager = Objects.requireNonNull(manager, "manager");
            // the memory store answers from a map and never waits; every other store may block
            this.inline = "memory".equals(manager.store().name());
        }

        /**
         * Runs store calls on {@code value}, which must allow blocking (not {@code parallel()}); default
         * {@link Schedulers#boundedElastic()}, or inline for the memory store. A dedicated scheduler
         * sized to the store's connection pool keeps store calls from queueing behind other blocking
         * work.
         *
         * @throws IllegalStateException when the store threads were already chosen
         */
        public Builder storeScheduler(Scheduler value) {
            once();
            this.scheduler = Objects.requireNonNull(value, "value");
            this.inline = false;
            return this;
        }

        /**
         * Runs store calls on the thread that asks, an event loop included: only for a store that
         * never blocks (the memory store; the default for it).
         *
         * @throws IllegalStateException when the store threads were already chosen
         */
        public Builder storeCallsInline() {
            once();
            this.inline = true;
            return this;
        }

        /**
         * Makes the session's principal follow one attribute, for frameworks that sign a user in by
         * storing an object in the session (Spring Security's {@code SecurityContext}, which the
         * Spring Boot starter wires this way): when {@code attribute} is put, the principal becomes
         * {@code principalOf} of the value (none when it returns null); when it is removed, or the
         * session cleared, the principal is cleared. A principal that changes is a login for the
         * store's principal index ({@code sessionsOf}, "sign out everywhere") and for
         * {@code SESSION_MAX_PER_USER}. It does not rotate the id: the framework does that (Spring
         * Security calls {@code changeSessionId()}), or {@code Session.login} does. The principal
         * is the truth: a stored value whose user is not the session's principal (the principal
         * was changed or cleared through the core API since the value was put) reads as absent
         * through the {@link WebSession}, so a stale {@code SecurityContext} signs no one in.
         *
         * @param attribute the attribute's name
         * @param principalOf the user's name for a stored value, or null for a value that signs no
         *     one in (an anonymous or unauthenticated one); called on the thread that puts the value
         */
        public Builder principalAttribute(String attribute, Function<Object, String> principalOf) {
            this.principalAttribute = new PrincipalAttribute(Objects.requireNonNull(attribute, "attribute"),
                    Objects.requireNonNull(principalOf, "principalOf"));
            return this;
        }

        private void once() {
            if (threadsSet) {
                throw new IllegalStateException("the store threads were already chosen");
            }
            threadsSet = true;
        }

        /** Builds the manager. */
        public SessionkitWebSessionManager build() {
            return new SessionkitWebSessionManager(this);
        }
    }
}
