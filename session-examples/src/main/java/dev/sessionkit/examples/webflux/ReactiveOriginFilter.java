package dev.sessionkit.examples.webflux;

import dev.sessionkit.examples.portal.Json;
import dev.sessionkit.examples.portal.OriginFilter;
import java.net.URI;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The servlet demos' {@link OriginFilter} rules for WebFlux: a state-changing request needs its own
 * origin in {@code Origin} (or, without it, in {@code Referer}), else 403 {@code cross_origin} or
 * {@code origin_required}; a body must be JSON, else 415 {@code unsupported_media_type}. Runs after
 * the probes and before any session work, so a refused request never touches the session.
 */
final class ReactiveOriginFilter implements WebFilter, Ordered {

    private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final boolean trustProxy;

    ReactiveOriginFilter(boolean trustProxy) {
        this.trustProxy = trustProxy;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (!STATE_CHANGING.contains(request.getMethod().name())) {
            return chain.filter(exchange);
        }
        HttpHeaders headers = request.getHeaders();
        String origin = headers.getOrigin();
        String refusal = null;
        HttpStatus status = HttpStatus.FORBIDDEN;
        if (origin == null) {
            String referer = headers.getFirst(HttpHeaders.REFERER);
            origin = referer == null ? null : OriginFilter.originOf(referer);
            if (referer == null) {
                refusal = "origin_required";
            } else if (origin == null) {
                refusal = "cross_origin";
            }
        }
        URI uri = request.getURI();
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        if (refusal == null && !OriginFilter.sameOrigin(origin, uri.getScheme(), uri.getHost(), port, headers::getFirst,
                trustProxy)) {
            refusal = "cross_origin";
        }
        if (refusal == null && !jsonOrNoBody(headers)) {
            refusal = "unsupported_media_type";
            status = HttpStatus.UNSUPPORTED_MEDIA_TYPE;
        }
        if (refusal == null) {
            return chain.filter(exchange);
        }
        if (headers.getContentLength() > 0 || headers.containsKey(HttpHeaders.TRANSFER_ENCODING)) {
            // the body stays unread: the connection cannot carry another request
            exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
        }
        return Responses.json(exchange, status, Json.error(refusal));
    }

    /** No body and no {@code Content-Type}, or a JSON one ({@code application/json}, with parameters). */
    private static boolean jsonOrNoBody(HttpHeaders headers) {
        String type = headers.getFirst(HttpHeaders.CONTENT_TYPE);
        if (type == null) {
            return headers.getContentLength() <= 0 && !headers.containsKey(HttpHeaders.TRANSFER_ENCODING);
        }
        int semicolon = type.indexOf(';');
        String media = (semicolon < 0 ? type : type.substring(0, semicolon)).trim();
        return media.equalsIgnoreCase(Json.CONTENT_TYPE);
    }

}
