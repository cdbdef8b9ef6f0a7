package dev.sessionkit.examples.webflux;

import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.examples.portal.Json;
import dev.sessionkit.examples.portal.PortalException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.reactive.error.ErrorWebExceptionHandler;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Every error as {@code {"error": "<code>"}}, with the status the other demos give; no stack
 * traces, no exception text. Replaces Spring Boot's error handler. Store failures are left to
 * sessionkit's {@code SessionWebExceptionHandler}, which runs first.
 */
final class PortalErrorHandler implements ErrorWebExceptionHandler, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(PortalErrorHandler.class);

    @Override
    public int getOrder() {
        return -1;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        if (exchange.getResponse().isCommitted() || failure instanceof StoreUnavailableException) {
            return Mono.error(failure);
        }
        HttpHeaders headers = exchange.getResponse().getHeaders();
        if (failure instanceof PortalException refused) {
            return answer(exchange, HttpStatus.valueOf(refused.status()), refused.code());
        }
        if (failure instanceof DataBufferLimitException) {
            return answer(exchange, HttpStatus.PAYLOAD_TOO_LARGE, "payload_too_large");
        }
        if (failure instanceof ResponseStatusException status) {
            HttpStatusCode code = status.getStatusCode();
            if (code.value() == 404) {
                return answer(exchange, HttpStatus.NOT_FOUND, "not_found");
            }
            if (failure instanceof MethodNotAllowedException notAllowed) {
                headers.setAllow(notAllowed.getSupportedMethods());
                return answer(exchange, HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed");
            }
            if (code.is4xxClientError()) {
                return answer(exchange, HttpStatus.BAD_REQUEST, "bad_request");
            }
        }
        LOG.error("unexpected failure", failure);
        return answer(exchange, HttpStatus.INTERNAL_SERVER_ERROR, "internal_error");
    }

    private static Mono<Void> answer(ServerWebExchange exchange, HttpStatus status, String code) {
        if (status == HttpStatus.PAYLOAD_TOO_LARGE) {
            // the rest of the body is not read; the connection cannot carry another request
            exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
        }
        exchange.getResponse().getHeaders().remove(HttpHeaders.CONTENT_LENGTH);
        return Responses.json(exchange, status, Json.error(code));
    }
}
