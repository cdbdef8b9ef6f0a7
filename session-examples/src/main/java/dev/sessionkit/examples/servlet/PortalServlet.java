package dev.sessionkit.examples.servlet;

import dev.sessionkit.SessionContext;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.examples.portal.Bodies;
import dev.sessionkit.examples.portal.Json;
import dev.sessionkit.examples.portal.Portal;
import dev.sessionkit.examples.portal.PortalException;
import dev.sessionkit.servlet.SessionFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every portal route, dispatched by hand: the plain-servlet way. The session comes from
 * {@link SessionFilter#context}, which the filter put on the request; the filter commits it (and
 * sends the cookie) when this servlet returns, and answers 503 itself when the store fails.
 */
final class PortalServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PortalServlet.class);

    private static final String PREFS = "/api/session/prefs/";
    private static final String MY_SESSIONS = "/api/sessions/me/";

    private final transient Portal portal;

    PortalServlet(Portal portal) {
        this.portal = portal;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        SessionContext session = SessionFilter.context(request)
                .orElseThrow(() -> new IllegalStateException("the sessionkit filter must run before this servlet"));
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String method = request.getMethod();
        try {
            route(method, path, session, request, response);
        } catch (PortalException e) {
            Bodies.discardRest(request, response);
            Json.send(response, e.status(), Json.error(e.code()));
        } catch (MethodNotAllowed e) {
            Bodies.discardRest(request, response);
            response.setHeader("Allow", e.getMessage());
            Json.send(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, Json.error("method_not_allowed"));
        } catch (StoreUnavailableException e) {
            throw e; // the session filter answers 503
        } catch (RuntimeException e) {
            // the client learns nothing of the failure; the log has it
            LOG.error("unexpected failure on {} {}", method, path, e);
            if (!response.isCommitted()) {
                response.reset();
                Json.send(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, Json.error("internal_error"));
            }
        }
    }

    private void route(String method, String path, SessionContext session, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        switch (path) {
            case "/" -> {
                allow(method, "GET");
                html(response, portal.page(session, "1".equals(request.getParameter("error"))));
            }
            case "/api/login" -> {
                allow(method, "POST");
                json(response, 200, portal.apiLogin(session, request.getInputStream(), request.getContentLengthLong()));
            }
            case "/api/logout" -> {
                allow(method, "POST");
                portal.logout(session);
                response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            }
            case "/api/logout-others" -> {
                allow(method, "POST");
                json(response, 200, portal.logoutOtherDevices(session));
            }
            case "/api/logout-all" -> {
                allow(method, "POST");
                json(response, 200, portal.logoutEverywhere(session));
            }
            case "/api/session" -> {
                allow(method, "GET");
                json(response, 200, portal.sessionInfo(session));
            }
            case "/api/session/test-session" -> {
                allow(method, "GET");
                json(response, 200, portal.countVisit(session));
            }
            case "/api/sessions/me" -> {
                allow(method, "GET");
                json(response, 200, portal.mySessions(session));
            }
            case "/api/admin/session-stats" -> {
                allow(method, "GET");
                json(response, 200, portal.stats(session));
            }
            case "/api/admin/sessions" -> {
                allow(method, "GET", "DELETE");
                json(response, 200, method.equals("GET") ? portal.allSessions(session) : portal.revokeAllButMine(session));
            }
            default -> routeWithParameter(method, path, session, request, response);
        }
    }

    private void routeWithParameter(String method, String path, SessionContext session, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        if (path.startsWith(PREFS) && path.indexOf('/', PREFS.length()) < 0) {
            allow(method, "PUT", "DELETE");
            String name = path.substring(PREFS.length());
            if (method.equals("PUT")) {
                portal.putPref(session, name, request.getInputStream(), request.getContentLengthLong());
            } else {
                portal.deletePref(session, name);
            }
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        } else if (path.startsWith(MY_SESSIONS) && path.indexOf('/', MY_SESSIONS.length()) < 0) {
            allow(method, "DELETE");
            portal.revokeMine(session, path.substring(MY_SESSIONS.length()));
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        } else {
            throw PortalException.notFound();
        }
    }

    /** Throws 405 unless the method is one of {@code allowed}. */
    private static void allow(String method, String... allowed) {
        for (String m : allowed) {
            if (m.equals(method)) {
                return;
            }
        }
        throw new MethodNotAllowed(String.join(", ", allowed));
    }

    private static void json(HttpServletResponse response, int status, Map<String, Object> body) throws IOException {
        Json.send(response, status, body);
    }

    private static void html(HttpServletResponse response, String page) throws IOException {
        byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
        Portal.PAGE_HEADERS.forEach(response::setHeader);
        response.setContentType("text/html;charset=utf-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** A known path asked with another method: 405 with an {@code Allow} header. */
    private static final class MethodNotAllowed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MethodNotAllowed(String allow) {
            super(allow, null, false, false);
        }
    }
}
