package dev.sessionkit.examples.servlet;

import dev.sessionkit.examples.portal.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's error pages, for what goes wrong outside the portal servlet's own answers (a malformed
 * URI, an exception that escapes): {@code {"error":"<code>"}} like every other error of the demo,
 * the code derived from the status alone. Jetty's own pages put the exception's message in the
 * title (a Jackson message, a class name); these show nothing of the failure.
 */
final class JsonErrorHandlers {

    private JsonErrorHandlers() {
    }

    /** The error code of a status: the same codes the portal answers with. */
    static String code(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 431 -> "headers_too_large";
            case 503 -> "service_unavailable";
            default -> status >= 500 ? "internal_error" : "bad_request";
        };
    }

    private static byte[] body(int status) {
        return Json.write(Json.error(code(status))).getBytes(StandardCharsets.UTF_8);
    }

    /** For the servlet context: errors raised while a request is in the servlet chain. */
    static final class Context extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
        @Override
        protected void generateAcceptableResponse(ServletContextRequest baseRequest, HttpServletRequest request,
                HttpServletResponse response, int code, String message) throws IOException {
            Json.send(response, code, Json.error(code(code)));
        }
    }

    /** For the server: errors before a request reaches the context (a URI Jetty cannot parse). */
    static final class Server extends org.eclipse.jetty.server.handler.ErrorHandler {
        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                Callback callback) throws IOException {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, Json.CONTENT_TYPE + ";charset=utf-8");
            response.write(true, ByteBuffer.wrap(body(code)), callback);
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, org.eclipse.jetty.http.HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, Json.CONTENT_TYPE + ";charset=utf-8");
            return ByteBuffer.wrap(body(status));
        }
    }
}
