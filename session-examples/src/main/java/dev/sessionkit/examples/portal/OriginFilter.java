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
 * A simple CSRF defence that suits a {@code SameSite=Lax} cookie. For a state-changing request
 * ({@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE}):
 * <ul>
 * <li>the {@code Origin} header must name the request's own origin, else 403
 * {@code {"error":"cross_origin"}}; {@code Origin: null} (sandboxed frames, some redirects) never
 * matches;</li>
 * <li>without {@code Origin} (a privacy extension or proxy stripped it), the origin of the
 * {@code Referer} must match instead; with neither, 403 {@code {"error":"origin_required"}} — a
 * cross-site page can suppress {@code Referer}, so a request that proves nothing is refused;</li>
 * <li>a body, or any {@code Content-Type}, must be {@code application/json}, else 415
 * {@code {"error":"unsupported_media_type"}}: a cross-site form can send {@code text/plain} or
 * form-encoded bodies without a CORS preflight, but never JSON.</li>
 * </ul>
 *
 * <p>The request's own origin is its scheme, host and port as this server sees them; the
 * {@code X-Forwarded-Proto}, {@code X-Forwarded-Host} and {@code X-Forwarded-Port} headers count
 * only when the proxy is trusted ({@code SESSION_TRUST_PROXY}). Non-browser clients (curl) send
 * {@code Origin} themselves. Runs before the session filter, so a refused request never touches
 * the session. Thread-safe.
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
            String refusal = null;
            int status = HttpServletResponse.SC_FORBIDDEN;
            if (origin == null) {
                String referer = request.getHeader("Referer");
                origin = referer == null ? null : originOf(referer);
                if (referer == null) {
                    refusal = "origin_required";
                } else if (origin == null) {
                    refusal = "cross_origin";
                }
            }
            if (refusal == null && !sameOrigin(origin, request.getScheme(), request.getServerName(),
                    request.getServerPort(), request::getHeader, trustProxy)) {
                refusal = "cross_origin";
            }
            if (refusal == null && !jsonOrNoBody(request)) {
                refusal = "unsupported_media_type";
                status = HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE;
            }
            if (refusal != null) {
                Bodies.discardRest(request, response);
                Json.send(response, status, Json.error(refusal));
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
    public static boolean sameOrigin(String origin, String scheme, String host, int port, UnaryOperator<String> headers,
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

    /** {@code scheme://host[:port]} of a {@code Referer}, or null when it is no absolute http(s) address. */
    public static String originOf(String referer) {
        URI uri;
        try {
            uri = new URI(referer.trim());
        } catch (URISyntaxException e) {
            return null;
        }
        if (uri.getScheme() == null || uri.getRawAuthority() == null || uri.getHost() == null
                || !uri.getScheme().matches("(?i)https?") || uri.getRawUserInfo() != null) {
            return null;
        }
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    /**
     * True when the request carries no body and no {@code Content-Type}, or a JSON one
     * ({@code application/json}, parameters such as {@code charset} allowed).
     */
    static boolean jsonOrNoBody(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null) {
            return request.getContentLengthLong() <= 0 && request.getHeader("Transfer-Encoding") == null;
        }
        int semicolon = type.indexOf(';');
        String media = (semicolon < 0 ? type : type.substring(0, semicolon)).trim();
        return media.equalsIgnoreCase(Json.CONTENT_TYPE);
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
