package dev.sessionkit.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes the response a client gets when its login was refused because the user already has
 * {@code SESSION_MAX_PER_USER} live sessions ({@code SESSION_MAX_PER_USER_MODE=refuse_new}). The
 * {@link SessionFilter} calls it instead of what the application was sending (a redirect after a
 * form login, say) on a reset, uncommitted response; the session that tried to sign in has ended
 * and its cookie is cleared. The default is {@link #json()}; an application that wants a page
 * redirects, for example {@code response.sendRedirect("/login?error=too-many-sessions")}.
 *
 * <p>Implementations must be thread-safe: one handler serves every request.
 */
@FunctionalInterface
public interface LoginRefusedHandler {

    /**
     * Writes the response.
     *
     * @param request  the request, never null
     * @param response the response, reset (the clearing cookie is kept) and not committed
     * @throws IOException when the response cannot be written
     */
    void handle(HttpServletRequest request, HttpServletResponse response) throws IOException;

    /**
     * {@code 403} with {@code Content-Type: application/json} and the body
     * {@code {"error":"session_limit_reached"}}; the default.
     */
    static LoginRefusedHandler json() {
        return (request, response) -> {
            byte[] bytes = "{\"error\":\"session_limit_reached\"}".getBytes(StandardCharsets.UTF_8);
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType("application/json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.setHeader("Cache-Control", "no-store");
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
        };
    }
}
