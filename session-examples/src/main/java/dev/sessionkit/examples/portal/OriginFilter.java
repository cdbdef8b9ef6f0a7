package dev.sessionkit.examples.portal;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A simple CSRF defence that suits a {@code SameSite=Lax} cookie: a state-changing request
 * ({@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE}) whose {@code Origin} header is present
 * and names another origin than the request's own gets 403 {@code {"error":"cross_origin"}}.
 * {@code Origin: null} (sandboxed frames, some redirects) never matches.
 *
 * <p>The request's own origin is its scheme, host and port as this server sees them; the
 * {@code X-Forwarded-Proto}, {@code X-Forwarded-Host} and {@code X-Forwarded-Port} headers count
 * only when the proxy is trusted ({@code SESSION_TRUST_PROXY}). Requests without {@code Origin}
 * (curl, old browsers on same-origin requests) pass. Runs before the session filter, so a refused
 * request never touches the session. Thread-safe.
 */
public final class OriginFilter implements Filter {

    private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final boolean trustProxy;

    /** @param trustProxy whether to believe {@code X-Forwarded-*} headers */
    public OriginFilter(boolean trustProxy) {
        this.trustProxy = trustProxy;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (req instanceof HttpServletRequest request && res instanceof HttpServletResponse response
                && STATE_CHANGING.contains(request.getMethod())) {
            String origin = request.getHeader("Origin");
            if (origin != null && !sameOrigin(origin, request.getScheme(), request.getServerName(),
                    request.getServerPort(), request::getHeader, trustProxy)) {
                Bodies.discardRest(request, response);
                Json.send(response, HttpServletResponse.SC_FORBIDDEN, Json.error("cross_origin"));
                return;
            }
        }
        chain.doFilter(req, res);
    }

    /**
     * Whether {@code origin} names the request's own origin.
     *
     * @param scheme  the request's scheme as the server sees it
     * @param host    the host of its {@code Host} header
     * @param port    the port of its {@code Host} header, or the scheme's default
     * @param headers the request's headers by name
     */
    static boolean sameOrigin(String origin, String scheme, String host, int port, UnaryOperator<String> headers,
            boolean trustProxy) {
        URI uri;
        try {
            uri = new URI(origin.trim());
        } catch (URISyntaxException e) {
            return false;
        }
        if (uri.getScheme() == null || uri.getHost() == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
            return false; // also "null", which has no scheme
        }
        if (trustProxy) {
            String forwardedProto = firstHop(headers.apply("X-Forwarded-Proto"));
            String forwardedHost = firstHop(headers.apply("X-Forwarded-Host"));
            String forwardedPort = firstHop(headers.apply("X-Forwarded-Port"));
            if (forwardedProto != null) {
                scheme = forwardedProto;
                port = defaultPort(scheme);
            }
            if (forwardedHost != null) {
                URI forwarded;
                try {
                    forwarded = new URI("http://" + forwardedHost);
                } catch (URISyntaxException e) {
                    return false;
                }
                host = forwarded.getHost() == null ? forwardedHost : forwarded.getHost();
                port = forwarded.getPort() >= 0 ? forwarded.getPort() : defaultPort(scheme);
            }
            if (forwardedPort != null && forwardedPort.chars().allMatch(Character::isDigit) && forwardedPort.length() < 6) {
                port = Integer.parseInt(forwardedPort);
            }
        }
        int originPort = uri.getPort() >= 0 ? uri.getPort() : defaultPort(uri.getScheme());
        return uri.getScheme().equalsIgnoreCase(scheme) && bare(uri.getHost()).equals(bare(host)) && originPort == port;
    }

    private static String firstHop(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        int comma = header.indexOf(',');
        String first = (comma < 0 ? header : header.substring(0, comma)).trim();
        return first.isEmpty() ? null : first;
    }

    private static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }

    /** Lower case, without the brackets of an IPv6 literal. */
    private static String bare(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }
}
