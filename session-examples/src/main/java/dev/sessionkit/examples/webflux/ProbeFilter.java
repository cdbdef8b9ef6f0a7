package dev.sessionkit.examples.webflux;

import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.examples.portal.Json;
import dev.sessionkit.webflux.SessionkitWebSessionManager;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The probes, answered before any session work, as the servlet demos' {@code HealthFilter} does:
 * {@code /healthz} is 200 while the process serves requests; {@code /readyz} pings the store (off
 * the event loop) and is 503 {@code session_store_unavailable} when it does not answer. Then
 * {@code Cache-Control: no-store} on every answer of the JSON API ({@code /api/*}).
 */
final class ProbeFilter implements WebFilter, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(ProbeFilter.class);

    private final SessionkitWebSessionManager sessions;

    ProbeFilter(SessionkitWebSessionManager sessions) {
        this.sessions = sessions;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (!path.equals("/healthz") && !path.equals("/readyz")) {
            if (path.startsWith("/api/")) {
                exchange.getResponse().getHeaders().setCacheControl("no-store");
            }
            return chain.filter(exchange);
        }
        exchange.getResponse().getHeaders().setCacheControl("no-store");
        HttpMethod method = exchange.getRequest().getMethod();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            exchange.getResponse().getHeaders().set("Allow", "GET, HEAD");
            return Responses.json(exchange, HttpStatus.METHOD_NOT_ALLOWED, Json.error("method_not_allowed"));
        }
        if (path.equals("/healthz")) {
            return Responses.json(exchange, HttpStatus.OK, Map.of("status", "ok"));
        }
        String store = sessions.manager().store().name();
        return sessions.onStoreScheduler(() -> {
            sessions.manager().store().ping();
            return true;
        }).flatMap(ok -> Responses.json(exchange, HttpStatus.OK, Map.of("status", "ready", "store", store)))
                .onErrorResume(StoreUnavailableException.class, e -> {
                    LOG.warn("readiness: the {} session store does not answer ({})", store, e.operation());
                    return Responses.json(exchange, HttpStatus.SERVICE_UNAVAILABLE, Json.error("session_store_unavailable"));
                });
    }
}
