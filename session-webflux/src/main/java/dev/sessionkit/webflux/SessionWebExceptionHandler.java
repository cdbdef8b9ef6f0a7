package dev.sessionkit.webflux;

import dev.sessionkit.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Answers the failures of sessionkit's session work in a WebFlux application, wherever in the
 * exchange they happen (resolving the session, the application's own store calls, the commit
 * before the response):
 * <ul>
 *   <li>a {@link StoreUnavailableException} (also as the cause of another exception): 503 with
 *       {@code Content-Type: application/json} and the body
 *       {@code {"error":"session_store_unavailable"}}, never the exception's text;</li>
 *   <li>a login refused by the per-user session limit ({@code SESSION_MAX_PER_USER_MODE=refuse_new}):
 *       403 {@code {"error":"session_limit_reached"}}, with the cookie that clears the ended session.</li>
 * </ul>
 * Everything else is passed on to the next handler. It runs before Spring Boot's error handler
 * ({@link #getOrder()} is {@code -2}); register it as a bean. When the response is already
 * committed, it can only log. Thread-safe.
 */
public final class SessionWebExceptionHandler implements WebExceptionHandler, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(SessionWebExceptionHandler.class);

    private static final byte[] UNAVAILABLE = "{\"error\":\"session_store_unavailable\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] REFUSED = "{\"error\":\"session_limit_reached\"}".getBytes(StandardCharsets.UTF_8);

    /** A handler; one serves every exchange. */
    public SessionWebExceptionHandler() {
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        if (!answers(failure)) {
            return Mono.error(failure);
        }
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            LOG.warn("sessionkit: {} after the response was committed; the session changes of this request are lost",
                    storeFailure(failure) != null ? "the session store is unavailable (" + storeFailure(failure).operation() + ")"
                            : "a login was refused");
            return Mono.error(failure);
        }
        return answer(exchange, response, failure);
    }

    /** Whether {@code failure} is one this handler answers: a store outage or a refused login. */
    static boolean answers(Throwable failure) {
        return failure instanceof LoginRefusedException || storeFailure(failure) != null;
    }

    /**
     * Writes the answer to {@code failure} (one that {@link #answers} accepts) on {@code response},
     * which is not committed: the status, the JSON body, and only the session's own cookie or
     * header among the headers (the clearing cookie of a refused login).
     */
    static Mono<Void> answer(ServerWebExchange exchange, ServerHttpResponse response, Throwable failure) {
        StoreUnavailableException down = storeFailure(failure);
        HttpHeaders headers = response.getHeaders();
        headers.clear();
        if (down != null) {
            LOG.warn("sessionkit: the session store is unavailable during {}; answering 503", down.operation());
            LOG.debug("sessionkit: store failure detail", down);
        }
        if (down == null && exchange.getAttribute(SessionkitWebSessionManager.STATE_ATTRIBUTE) instanceof ExchangeSession state) {
            state.restoreHeaders(headers); // the clearing cookie of the session that ended
        }
        response.setStatusCode(down != null ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.FORBIDDEN);
        byte[] body = down != null ? UNAVAILABLE : REFUSED;
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.setContentLength(body.length);
        headers.setCacheControl("no-store");
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }

    /** {@code -2}: ahead of Spring Boot's {@code DefaultErrorWebExceptionHandler} ({@code -1}). */
    @Override
    public int getOrder() {
        return -2;
    }

    private static StoreUnavailableException storeFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StoreUnavailableException down) {
                return down;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
