package dev.sessionkit.examples.portal;

import dev.sessionkit.SessionManager;
import dev.sessionkit.StoreUnavailableException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the probes before any session work, so that neither a session cookie nor a store outage
 * can change the answer of the liveness probe:
 * <ul>
 *   <li>{@code GET /healthz}: 200 {@code {"status":"ok"}} while the process serves requests;</li>
 *   <li>{@code GET /readyz}: 200 {@code {"status":"ready","store":"<name>"}} when the session store
 *       answers a ping, else 503 {@code {"error":"session_store_unavailable"}}.</li>
 * </ul>
 * Map it ahead of the session filter. Thread-safe.
 */
public final class HealthFilter implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(HealthFilter.class);

    private final SessionManager manager;

    /** @param manager whose store {@code /readyz} pings */
    public HealthFilter(SessionManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (req instanceof HttpServletRequest request && res instanceof HttpServletResponse response) {
            String path = request.getRequestURI().substring(request.getContextPath().length());
            if (path.equals("/healthz") || path.equals("/readyz")) {
                probe(path, request, response);
                return;
            }
        }
        chain.doFilter(req, res);
    }

    private void probe(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            response.setHeader("Allow", "GET, HEAD");
            Json.send(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, Json.error("method_not_allowed"));
            return;
        }
        if (path.equals("/healthz")) {
            Json.send(response, HttpServletResponse.SC_OK, Map.of("status", "ok"));
            return;
        }
        try {
            manager.store().ping();
            Json.send(response, HttpServletResponse.SC_OK, Map.of("status", "ready", "store", manager.store().name()));
        } catch (StoreUnavailableException e) {
            LOG.warn("readiness: the {} session store does not answer ({})", manager.store().name(), e.operation());
            Json.send(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, Json.error("session_store_unavailable"));
        }
    }
}
