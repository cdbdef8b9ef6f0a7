package dev.sessionkit;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules for {@code SESSION_HEADER}, the header that carries the signed session id for clients
 * that do not keep cookies (APIs, mobile apps), checked by {@link SessionSettings.Builder}. The
 * value it carries is the cookie's value, {@code <id>.<signature>}, verified by
 * {@link CookiePolicy} exactly as the cookie is.
 */
final class SessionHeader {

    /** RFC 9110 field-name: a token. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]{1,64}");

    /**
     * Headers with a meaning of their own that sessionkit, the container or a proxy acts on, so a
     * token there would be misread, overwritten, or stripped: the cookie headers (the cookie is
     * already the cookie), HTTP authentication (its value is {@code <scheme> <credentials>}, and
     * security filters act on it), framing and hop-by-hop headers, and the headers the manager
     * reads for the client's address and scheme.
     */
    private static final Set<String> RESERVED = Set.of("cookie", "cookie2", "set-cookie", "set-cookie2",
            "authorization", "proxy-authorization", "www-authenticate", "proxy-authenticate", "host", "connection",
            "keep-alive", "upgrade", "te", "trailer", "transfer-encoding", "content-length", "content-type",
            "content-encoding", "cache-control", "pragma", "expect", "location", "user-agent", "forwarded",
            "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-real-ip", "origin", "referer");

    private SessionHeader() {
    }

    /**
     * Checks a header name for {@code SESSION_HEADER}: an HTTP token of at most 64 characters, not
     * one of the reserved headers and not {@code Sec-} or {@code Proxy-} (which browsers forbid
     * scripts to set).
     */
    static String checkName(String setting, String value) {
        if (value == null || !TOKEN.matcher(value).matches()) {
            throw new SessionConfigurationException(setting, setting
                    + " must be an HTTP header name of 1 to 64 characters (letters, digits, !#$%&'*+-.^_`|~), such as"
                    + " X-Session-Token, not '" + value + "'");
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (RESERVED.contains(lower) || lower.startsWith("sec-") || lower.startsWith("proxy-")) {
            throw new SessionConfigurationException(setting, setting + " must not name a header with a meaning of its"
                    + " own (Cookie, Set-Cookie, Authorization, Host, Cache-Control, forwarding headers, Sec-*,"
                    + " Proxy-* ...), not '" + value + "'; use a name such as X-Session-Token");
        }
        return value;
    }
}
