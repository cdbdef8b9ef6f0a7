package dev.sessionkit.servlet;

import dev.sessionkit.StoreUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes the response a client gets when the session store cannot be reached, while sessions are
 * loaded or saved. {@link SessionFilter} calls it on a reset, uncommitted response, so no part of
 * what the application had written is sent; no other filter or servlet of the request runs after
 * it. The default is {@link #json()}.
 *
 * <p>Implementations must not write the exception (its message or stack trace) to the response,
 * and must be thread-safe: one handler serves every request.
 */
@FunctionalInterface
public interface StoreUnavailableHandler {

    /**
     * Writes the response.
     *
     * @param request  the request, never null
     * @param response the response, reset and not committed; never null
     * @param cause    what the store reported, never null; for logs, not for the client
     * @throws IOException when the response cannot be written
     */
    void handle(HttpServletRequest request, HttpServletResponse response, StoreUnavailableException cause)
            throws IOException;

    /**
     * {@code 503} with {@code Content-Type: application/json} and the body
     * {@code {"error":"session_store_unavailable"}}; the default.
     */
    static StoreUnavailableHandler json() {
        return (request, response, cause) -> write(response, "application/json",
                "{\"error\":\"session_store_unavailable\"}");
    }

    /** {@code 503} with {@code Content-Type: text/plain} and a one-line body. */
    static StoreUnavailableHandler plainText() {
        return (request, response, cause) -> write(response, "text/plain",
                "The session service is unavailable. Please try again shortly.\n");
    }

    private static void write(HttpServletResponse response, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType(contentType);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
