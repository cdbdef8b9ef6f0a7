package dev.sessionkit.examples.spring;

import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.examples.portal.Json;
import dev.sessionkit.examples.portal.PortalException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Every error as {@code {"error": "<code>"}}, with the status the plain servlet app gives; no stack traces. */
@RestControllerAdvice
class PortalErrors {

    private static final Logger LOG = LoggerFactory.getLogger(PortalErrors.class);

    @ExceptionHandler(PortalException.class)
    ResponseEntity<Map<String, Object>> refused(PortalException e) {
        if (e.status() == HttpStatus.PAYLOAD_TOO_LARGE.value()) {
            // the rest of the body is not read; the connection cannot carry another request
            return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE).header(HttpHeaders.CONNECTION, "close")
                    .contentType(MediaType.APPLICATION_JSON).body(Json.error(e.code()));
        }
        return error(HttpStatus.valueOf(e.status()), e.code());
    }

    /** The same answer the session filter gives when the store fails while it loads or saves. */
    @ExceptionHandler(StoreUnavailableException.class)
    ResponseEntity<Map<String, Object>> storeUnavailable(StoreUnavailableException e) {
        LOG.warn("the session store is unavailable during {}; answering 503", e.operation());
        return error(HttpStatus.SERVICE_UNAVAILABLE, "session_store_unavailable");
    }

    @ExceptionHandler({ NoHandlerFoundException.class, NoResourceFoundException.class })
    ResponseEntity<Map<String, Object>> notFound(Exception e) {
        return error(HttpStatus.NOT_FOUND, "not_found");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Map<String, Object>> methodNotAllowed(HttpRequestMethodNotSupportedException e) {
        HttpHeaders headers = new HttpHeaders();
        if (e.getSupportedHttpMethods() != null) {
            headers.setAllow(e.getSupportedHttpMethods());
        }
        return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED).headers(headers)
                .contentType(MediaType.APPLICATION_JSON).body(Json.error("method_not_allowed"));
    }

    @ExceptionHandler({ MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class,
            HttpMediaTypeNotSupportedException.class, HttpMediaTypeNotAcceptableException.class })
    ResponseEntity<Map<String, Object>> badRequest(Exception e) {
        return error(HttpStatus.BAD_REQUEST, "bad_request");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, Object>> unexpected(Exception e) {
        LOG.error("unexpected failure", e);
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error");
    }

    private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String code) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(Json.error(code));
    }
}
