package dev.sessionkit.webflux;

import dev.sessionkit.CommitResult;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The session state of one exchange: the core's {@link SessionContext}, the {@link ReactiveSession}
 * handed out for it, and the commit that writes the store and adds the cookie (and the session
 * header) to the response. Kept as an exchange attribute, so {@link SessionWebExceptionHandler}
 * can put the cookie back on the answer it writes instead.
 *
 * <p>One exchange's operators run one after another, possibly on different threads; commits are
 * serialized anyway, so an explicit {@code save()} and the commit before the response never write
 * at the same time.
 */
final class ExchangeSession {

    private static final Logger LOG = LoggerFactory.getLogger(ExchangeSession.class);

    private final SessionkitWebSessionManager owner;
    private final SessionManager manager;
    private final SessionContext context;
    private final ServerHttpResponse response;
    private final ReactiveSession webSession;
    private volatile boolean started;
    private volatile StoreUnavailableException failure;
    private volatile boolean loginRefused;
    private volatile String sentCookie;
    private volatile boolean sentNoStore;
    private volatile CommitResult.Header sentHeader;

    ExchangeSession(SessionkitWebSessionManager owner, SessionContext context, ServerWebExchange exchange) {
        this.owner = owner;
        this.manager = owner.manager();
        this.context = context;
        this.response = exchange.getResponse();
        this.webSession = new ReactiveSession(this);
    }

    SessionContext context() {
        return context;
    }

    SessionManager manager() {
        return manager;
    }

    PrincipalAttribute principalAttribute() {
        return owner.principalAttribute();
    }

    ReactiveSession webSession() {
        return webSession;
    }

    /** {@code WebSession.start()}: the session is stored, and its cookie sent, even with nothing in it. */
    void start() {
        context.getOrCreate();
        started = true;
    }

    boolean started() {
        return started;
    }

    /**
     * The response is about to be committed: writes what changed and adds the cookie. After a
     * failure (the error handler is answering now, and the response commits again) it does nothing.
     */
    Mono<Void> commitBeforeResponse() {
        if (failure != null || loginRefused) {
            return Mono.empty();
        }
        return commit(true);
    }

    /**
     * Writes what changed since the last commit and adds the cookie the manager asks for.
     *
     * @return fails with {@link StoreUnavailableException} when the store cannot be reached (and
     *     with that same failure at every later commit, so nothing is sent as if it had been saved),
     *     or with {@link LoginRefusedException} when the store refused this request's login
     */
    Mono<Void> commit() {
        return commit(false);
    }

    /**
     * @param committing true from the response's commit action: the response counts as committed
     *     then ({@code isCommitted()}), but its headers can still be written
     */
    private Mono<Void> commit(boolean committing) {
        return owner.onStoreScheduler(() -> commitNow(committing)).flatMap(result -> {
            send(result, committing);
            if (result.loginRefused()) {
                loginRefused = true;
                return Mono.error(new LoginRefusedException());
            }
            return Mono.<Void>empty();
        });
    }

    /** May block on the store: runs on the store scheduler. */
    private synchronized CommitResult commitNow(boolean committing) {
        if (failure != null) {
            throw failure;
        }
        try {
            if (started) {
                // a started session is stored even when empty: the manager promises its cookie
                send(manager.newSessionHeaders(context), committing);
            }
            return manager.commit(context);
        } catch (StoreUnavailableException e) {
            failure = e;
            throw e;
        }
    }

    private void send(CommitResult result, boolean committing) {
        result.setCookie().ifPresent(cookie -> send(cookie, result.noStore(), committing));
        result.header().ifPresent(header -> send(header, committing));
    }

    /** The {@code Set-Cookie}, once per value, with no-store when the core asks for it. */
    private synchronized void send(String cookie, boolean noStore, boolean committing) {
        if (sentCookie != null && cookieValue(sentCookie).equals(cookieValue(cookie))) {
            return;
        }
        if (!committing && response.isCommitted()) {
            LOG.warn("sessionkit: the response was committed before the session cookie could be sent; the client"
                    + " keeps its old cookie. Use the session before the body is written.");
            return;
        }
        HttpHeaders headers = response.getHeaders();
        if (sentCookie != null && headers.get(HttpHeaders.SET_COOKIE) != null) {
            headers.get(HttpHeaders.SET_COOKIE).remove(sentCookie); // the newer cookie replaces this request's earlier one
        }
        headers.add(HttpHeaders.SET_COOKIE, cookie);
        if (noStore) {
            headers.setCacheControl("no-store");
        }
        sentCookie = cookie;
        sentNoStore = noStore;
    }

    /** The session header: set (replacing an earlier value), with no-store. Its value is never logged. */
    private synchronized void send(CommitResult.Header header, boolean committing) {
        if (header.equals(sentHeader)) {
            return;
        }
        if (!committing && response.isCommitted()) {
            LOG.warn("sessionkit: the response was committed before the session header {} could be sent; the client"
                    + " keeps its old token.", header.name());
            return;
        }
        response.getHeaders().set(header.name(), header.value());
        response.getHeaders().setCacheControl("no-store");
        sentHeader = header;
    }

    /** After an error handler cleared the headers: puts back the cookie and header already decided. */
    synchronized void restoreHeaders(HttpHeaders headers) {
        if (sentCookie != null && failure == null) {
            headers.add(HttpHeaders.SET_COOKIE, sentCookie);
            if (sentNoStore) {
                headers.setCacheControl("no-store");
            }
        }
        if (sentHeader != null && failure == null) {
            headers.set(sentHeader.name(), sentHeader.value());
            headers.setCacheControl("no-store");
        }
    }

    /** The {@code name=value} part of a {@code Set-Cookie} header. */
    private static String cookieValue(String setCookie) {
        int semicolon = setCookie.indexOf(';');
        return semicolon < 0 ? setCookie : setCookie.substring(0, semicolon);
    }
}
