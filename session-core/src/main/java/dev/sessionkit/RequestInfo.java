package dev.sessionkit;

import java.util.List;

/**
 * What {@link SessionManager} needs to know of an HTTP request, as plain strings, so that any
 * framework can supply it. Forwarded headers are passed as they came; the manager believes them
 * only when {@code SESSION_TRUST_PROXY} is on, and then take the right-most hop of each: the one the
 * trusted proxy added.
 *
 * @param cookieHeaders  the raw {@code Cookie} header values; never null, may be empty
 * @param secure         whether the request reached this server over TLS
 * @param remoteAddress  the peer's address, or null
 * @param userAgent      the {@code User-Agent} header, or null
 * @param forwardedProto the {@code X-Forwarded-Proto} header, or null
 * @param forwardedFor   the {@code X-Forwarded-For} header, or null
 */
public record RequestInfo(
        List<String> cookieHeaders,
        boolean secure,
        String remoteAddress,
        String userAgent,
        String forwardedProto,
        String forwardedFor) {

    /** Copies the header list; a null list counts as empty. */
    public RequestInfo {
        cookieHeaders = cookieHeaders == null || cookieHeaders.isEmpty() ? List.of() : withoutNulls(cookieHeaders);
    }

    // runs on every request: a plain loop, and List.copyOf, which keeps an already immutable list
    private static List<String> withoutNulls(List<String> headers) {
        for (String header : headers) {
            if (header == null) {
                List<String> kept = new java.util.ArrayList<>(headers.size());
                for (String h : headers) {
                    if (h != null) {
                        kept.add(h);
                    }
                }
                return List.copyOf(kept);
            }
        }
        return List.copyOf(headers);
    }

    /** Masks the cookie headers, which carry the session id, a bearer secret. */
    @Override
    public String toString() {
        return "RequestInfo[cookieHeaders=" + cookieHeaders.size() + " (masked), secure=" + secure + ", remoteAddress="
                + remoteAddress + ", userAgent=" + userAgent + ", forwardedProto=" + forwardedProto + ", forwardedFor="
                + forwardedFor + "]";
    }

    /** A request with only a {@code Cookie} header (null for none), over plain http. */
    public static RequestInfo ofCookie(String cookieHeader) {
        return new RequestInfo(cookieHeader == null ? List.of() : List.of(cookieHeader), false, null, null, null, null);
    }
}
