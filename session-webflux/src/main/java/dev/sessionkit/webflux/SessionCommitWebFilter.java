package dev.sessionkit.webflux;

import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Commits the exchange's session before the response's body is written (or, when the application
 * writes none, when its handling ends), so that a failure of the commit still decides the response: a login refused by the per-user limit
 * ({@code SESSION_MAX_PER_USER_MODE=refuse_new}) is answered with 403
 * {@code {"error":"session_limit_reached"}} and the clearing cookie instead of the application's
 * redirect or page, and a store that fails during the commit with 503
 * {@code {"error":"session_store_unavailable"}}, as {@link SessionWebExceptionHandler} answers
 * them. Without this filter the commit runs in {@code ServerHttpResponse.beforeCommit}, where a
 * failure can no longer change the status: the server answers a bare 500.
 *
 * <p>Register it as a bean (the Spring Boot starter does) or with
 * {@code WebHttpHandlerBuilder.filter(...)}; it runs first ({@link #getOrder()} is
 * {@link Ordered#HIGHEST_PRECEDENCE}), around Spring Security's filters. An exchange that never
 * asks for its session costs one response wrapper. Thread-safe.
 */
public final class SessionCommitWebFilter implements WebFilter, Ordered {

    /** A filter; one serves every exchange. */
    public SessionCommitWebFilter() {
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Committing response = new Committing(exchange, exchange.getResponse());
        // a handler that only sets a status and headers (Spring Security's redirects) writes nothing:
        // the server completes the response after the chain, so the commit runs here first
        return chain.filter(exchange.mutate().response(response).build())
                .then(Mono.defer(() -> response.commitThen(Mono::empty, null)));
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    /** The response, with the session committed before the body or the completion goes out. */
    private static final class Committing extends ServerHttpResponseDecorator {

        private final ServerWebExchange exchange;

        Committing(ServerWebExchange exchange, ServerHttpResponse response) {
            super(response);
            this.exchange = exchange;
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            return commitThen(() -> getDelegate().writeWith(body), body);
        }

        @Override
        public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
            return commitThen(() -> getDelegate().writeAndFlushWith(body), null);
        }

        @Override
        public Mono<Void> setComplete() {
            return commitThen(() -> getDelegate().setComplete(), null);
        }

        Mono<Void> commitThen(Supplier<Mono<Void>> write, Publisher<? extends DataBuffer> body) {
            return Mono.defer(() -> {
                if (!(exchange.getAttribute(SessionkitWebSessionManager.STATE_ATTRIBUTE) instanceof ExchangeSession state)
                        || getDelegate().isCommitted()) {
                    return write.get();
                }
                return state.commit()
                        .then(Mono.defer(write))
                        .onErrorResume(SessionWebExceptionHandler::answers, failure -> {
                            if (body != null) {
                                // the application's body is not sent: release what it holds
                                Flux.from(body).subscribe(DataBufferUtils::release, e -> { });
                            }
                            if (getDelegate().isCommitted()) {
                                return Mono.error(failure);
                            }
                            return SessionWebExceptionHandler.answer(exchange, getDelegate(), failure);
                        });
            });
        }
    }
}
