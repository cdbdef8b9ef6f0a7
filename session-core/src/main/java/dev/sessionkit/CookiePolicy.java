package dev.sessionkit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How the session cookie is named, scoped, signed, written and read. Knows no framework: it reads
 * {@code Cookie} header strings and writes {@code Set-Cookie} header strings.
 *
 * <p>The cookie value is {@code <id>.<signature>}: the 43-character {@link SessionId} and the
 * base64url HMAC-SHA256 of it under the first secret. Every configured secret verifies, so secrets
 * can be rotated by putting the new one first; the comparison is constant-time. Reading never
 * throws: a missing, unsigned, tampered, oversized, quoted-garbage or ambiguous cookie (the name
 * twice with different values) is simply no cookie.
 *
 * <p>Immutable and thread-safe. Build one with {@link #from(SessionSettings)}.
 */
final class CookiePolicy {

    /** Cookie headers longer than this are ignored entirely. */
    public static final int MAX_HEADER_LENGTH = 8192;

    private static final String HMAC = "HmacSHA256";
    private static final int SIGNATURE_LENGTH = 43;
    private static final int VALUE_LENGTH = SessionId.LENGTH + 1 + SIGNATURE_LENGTH;

    private final String name;
    private final String path;
    private final String domain;
    private final Boolean secure;
    private final boolean tlsOffloaded;
    private final boolean production;
    private final boolean persistent;
    private final SameSite sameSite;
    private final List<SecretKeySpec> keys;
    private final ThreadLocal<Mac[]> macs;
    private final RecentCookies recent = new RecentCookies();

    private CookiePolicy(SessionSettings settings) {
        this.name = settings.cookieName();
        this.path = settings.cookiePath();
        this.domain = settings.cookieDomain();
        this.secure = settings.cookieSecure();
        this.tlsOffloaded = settings.tlsOffloaded();
        this.production = settings.isProduction();
        this.persistent = settings.cookiePersistent();
        this.sameSite = settings.sameSite();
        List<SecretKeySpec> specs = new ArrayList<>();
        for (String secret : settings.secrets()) {
            specs.add(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC));
        }
        this.keys = List.copyOf(specs);
        this.macs = ThreadLocal.withInitial(this::newMacs);
    }

    // ---- the rules for cookie settings, checked by SessionSettings.Builder ----

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]{1,64}");
    private static final java.util.regex.Pattern DOMAIN = java.util.regex.Pattern.compile(
            "\\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    private static final java.util.regex.Pattern PATH = java.util.regex.Pattern.compile("/[\\x21-\\x7e&&[^;,]]*");

    static String checkName(String setting, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new SessionConfigurationException(setting, setting
                    + " must be 1 to 64 cookie-name characters (letters, digits, !#$%&'*+-.^_`|~), not '" + value + "'");
        }
        return value;
    }

    static String checkDomain(String setting, String value) {
        if (value != null && !DOMAIN.matcher(value).matches()) {
            throw new SessionConfigurationException(setting, setting + " must be a host name such as example.com, not '"
                    + value + "'");
        }
        return value;
    }

    static String checkPath(String setting, String value) {
        if (value == null || !PATH.matcher(value).matches()) {
            throw new SessionConfigurationException(setting, setting
                    + " must start with / and hold no spaces, ';' or ',', not '" + value + "'");
        }
        return value;
    }

    /** The prefix that makes browsers demand Secure, Path=/ and no Domain. */
    static final String HOST_PREFIX = "__Host-";
    /** The prefix that makes browsers demand Secure. */
    static final String SECURE_PREFIX = "__Secure-";
    /** What a browser sends for a cookie deleted with an expiry in the past (for clients that ignore Max-Age). */
    static final String EXPIRED = "Thu, 01 Jan 1970 00:00:00 GMT";

    /**
     * Whether {@code name} starts with {@code prefix}, ignoring case: RFC 6265bis has browsers match
     * {@code __Host-} and {@code __Secure-} case-insensitively, so {@code __host-sid} is held to the
     * same rules as {@code __Host-sid}.
     */
    static boolean hasPrefix(String name, String prefix) {
        return name != null && name.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    /** {@code __Host-sid} in production when the cookie may carry that prefix, {@code sid} otherwise. */
    static String defaultName(boolean production, String domain, String path, Boolean secure) {
        return production && domain == null && !Boolean.FALSE.equals(secure) && "/".equals(path) ? "__Host-sid" : "sid";
    }

    /** The rules between cookie settings: prefixes and SameSite=None need what browsers demand of them. */
    static void checkRules(boolean production, String name, String domain, String path, Boolean secure, SameSite sameSite) {
        String nameSetting = SessionSettings.SESSION_COOKIE_NAME;
        String secureSetting = SessionSettings.SESSION_COOKIE_SECURE;
        if (sameSite == SameSite.NONE && !Boolean.TRUE.equals(secure) && !(production && secure == null)) {
            throw new SessionConfigurationException(SessionSettings.SESSION_SAME_SITE, SessionSettings.SESSION_SAME_SITE
                    + "=None requires Secure cookies: set " + secureSetting + "=true");
        }
        if (hasPrefix(name, HOST_PREFIX)) {
            if (domain != null || !"/".equals(path) || Boolean.FALSE.equals(secure)) {
                throw new SessionConfigurationException(nameSetting, "a " + nameSetting
                        + " starting with __Host- (in any case) requires Secure, " + SessionSettings.SESSION_COOKIE_PATH + "=/ and no "
                        + SessionSettings.SESSION_COOKIE_DOMAIN);
            }
            if (!production && secure == null) {
                throw new SessionConfigurationException(nameSetting, "a " + nameSetting
                        + " starting with __Host- (in any case) requires Secure: in development set " + secureSetting
                        + "=true (and use https)");
            }
        }
        if (hasPrefix(name, SECURE_PREFIX) && Boolean.FALSE.equals(secure)) {
            throw new SessionConfigurationException(nameSetting, "a " + nameSetting
                    + " starting with __Secure- (in any case) requires Secure cookies");
        }
    }

    /**
     * The rules between {@code Secure} and where TLS ends: {@code SESSION_TLS_OFFLOADED} needs a
     * trusted proxy (it is the proxy that says whether the client used https), and production
     * refuses {@code SESSION_COOKIE_SECURE=false} unless TLS is declared offloaded, since a session
     * cookie without {@code Secure} leaks over any plain-http request to the site.
     */
    static void checkTransport(boolean production, Boolean secure, boolean tlsOffloaded, boolean trustProxy) {
        String offloaded = SessionSettings.SESSION_TLS_OFFLOADED;
        if (tlsOffloaded && !trustProxy) {
            throw new SessionConfigurationException(offloaded, offloaded + "=true requires "
                    + SessionSettings.SESSION_TRUST_PROXY + "=true: the trusted proxy's X-Forwarded-Proto says"
                    + " whether the client used https");
        }
        if (production && Boolean.FALSE.equals(secure) && !tlsOffloaded) {
            throw new SessionConfigurationException(SessionSettings.SESSION_COOKIE_SECURE, SessionSettings.APP_ENV
                    + "=production refuses " + SessionSettings.SESSION_COOKIE_SECURE + "=false: the cookie would"
                    + " travel over plain http. Remove it (production cookies are always Secure), or, when TLS ends"
                    + " at a proxy in front of the application, set " + offloaded + "=true and "
                    + SessionSettings.SESSION_TRUST_PROXY + "=true so that Secure follows X-Forwarded-Proto");
        }
    }

    /** The policy the settings describe. */
    public static CookiePolicy from(SessionSettings settings) {
        return new CookiePolicy(Objects.requireNonNull(settings, "settings"));
    }

    /** The cookie name. */
    public String name() {
        return name;
    }

    /** Whether cookies are browser-session cookies (no {@code Max-Age}). */
    public boolean persistent() {
        return persistent;
    }

    /**
     * Whether the cookie carries {@code Secure} for a request that arrived over https
     * ({@code requestSecure}: the connection's scheme, or the right-most {@code X-Forwarded-Proto}
     * hop when the proxy is trusted) or not: as configured, else always in production, else
     * following the request. {@code SESSION_COOKIE_SECURE=false} with {@code SESSION_TLS_OFFLOADED}
     * follows the request too: TLS ends at the trusted proxy, which says whether the client used https.
     */
    public boolean secureFor(boolean requestSecure) {
        if (Boolean.FALSE.equals(secure) && tlsOffloaded) {
            return requestSecure;
        }
        if (secure != null) {
            return secure;
        }
        return production || requestSecure;
    }

    /**
     * Reads and verifies the session cookie from the request's {@code Cookie} headers.
     *
     * @param cookieHeaders the raw header values; null or empty for none
     * @return the verified id, or empty; never throws
     */
    public Optional<SessionId> read(List<String> cookieHeaders) {
        return readVerified(cookieHeaders).map(Verified::id);
    }

    /** Like {@link #read(List)}, also telling whether the cookie was signed with an older secret. */
    Optional<Verified> readVerified(List<String> cookieHeaders) {
        String value = findValue(cookieHeaders);
        return value == null ? Optional.empty() : verify(value);
    }

    /** True when the headers carry a cookie with this policy's name, valid or not. */
    boolean isPresent(List<String> cookieHeaders) {
        return findValue(cookieHeaders) != null || hasName(cookieHeaders);
    }

    /** The signed cookie value for {@code id}. */
    public String sign(SessionId id) {
        String value = id.value() + '.' + Base64Url.encode(mac(0, id.value()));
        // the client presents it next: its first request then verifies as the later ones do
        recent.remember(value, new Verified(id, true));
        return value;
    }

    /**
     * A {@code Set-Cookie} header value that stores {@code id}.
     *
     * @param maxAge how long the browser keeps the cookie; ignored for browser-session cookies
     * @param secure whether to add {@code Secure}
     */
    public String renderSet(SessionId id, Duration maxAge, boolean secure) {
        StringBuilder sb = new StringBuilder(160).append(name).append('=').append(sign(id));
        appendAttributes(sb, persistent ? Math.max(0, maxAge.getSeconds()) : -1, secure, false);
        return sb.toString();
    }

    /**
     * A {@code Set-Cookie} header value that deletes the cookie: {@code Max-Age=0}, and an
     * {@code Expires} in the past for clients that know only {@code Expires}.
     */
    public String renderClear(boolean secure) {
        StringBuilder sb = new StringBuilder(160).append(name).append('=');
        appendAttributes(sb, 0, secure, true);
        return sb.toString();
    }

    private void appendAttributes(StringBuilder sb, long maxAgeSeconds, boolean secure, boolean clear) {
        sb.append("; Path=").append(path);
        if (domain != null) {
            sb.append("; Domain=").append(domain);
        }
        if (maxAgeSeconds >= 0) {
            sb.append("; Max-Age=").append(maxAgeSeconds);
        }
        if (clear) {
            sb.append("; Expires=").append(EXPIRED);
        }
        sb.append("; HttpOnly");
        if (secure || sameSite == SameSite.NONE || hasPrefix(name, HOST_PREFIX) || hasPrefix(name, SECURE_PREFIX)) {
            sb.append("; Secure");
        }
        sb.append("; SameSite=").append(sameSite.attribute());
    }

    /** Verifies a signed value, {@code <id>.<signature>}, as it came in the cookie or the session header. */
    Optional<Verified> verify(String value) {
        if (value.length() != VALUE_LENGTH || value.charAt(SessionId.LENGTH) != '.') {
            return Optional.empty();
        }
        Optional<Verified> seen = recent.find(value);
        if (seen != null) {
            return seen;
        }
        Optional<SessionId> id = SessionId.parse(value.substring(0, SessionId.LENGTH));
        if (id.isEmpty()) {
            return Optional.empty();
        }
        byte[] given = value.substring(SessionId.LENGTH + 1).getBytes(StandardCharsets.US_ASCII);
        // every secret is tried, whatever matched, so timing does not tell which one signed
        int matched = -1;
        for (int i = 0; i < keys.size(); i++) {
            byte[] expected = Base64Url.encode(mac(i, id.get().value())).getBytes(StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(expected, given) && matched < 0) {
                matched = i;
            }
        }
        if (matched < 0) {
            return Optional.empty();
        }
        Verified verified = new Verified(id.get(), matched == 0);
        recent.remember(value, verified);
        return Optional.of(verified);
    }

    /**
     * Why the cookie these headers carry did not verify; called only after {@link #readVerified}
     * found nothing while {@link #isPresent} is true.
     */
    SessionInstrumentation.CookieRejection diagnose(List<String> cookieHeaders) {
        String value = findValue(cookieHeaders);
        return value == null ? SessionInstrumentation.CookieRejection.MALFORMED : diagnose(value);
    }

    /** Why a signed value that {@link #verify} refused was refused. */
    SessionInstrumentation.CookieRejection diagnose(String value) {
        if (value.length() != VALUE_LENGTH || value.charAt(SessionId.LENGTH) != '.'
                || SessionId.parse(value.substring(0, SessionId.LENGTH)).isEmpty()) {
            return SessionInstrumentation.CookieRejection.MALFORMED;
        }
        for (int i = SessionId.LENGTH + 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return SessionInstrumentation.CookieRejection.MALFORMED;
            }
        }
        return SessionInstrumentation.CookieRejection.BAD_SIGNATURE;
    }

    /**
     * The value of this policy's cookie, or null when it is absent, oversized or ambiguous. Quoted
     * values are unquoted.
     */
    private String findValue(List<String> headers) {
        if (headers == null || headers.isEmpty()) {
            return null;
        }
        String found = null;
        int total = 0;
        for (String header : headers) {
            if (header == null) {
                continue;
            }
            total += header.length();
            if (total > MAX_HEADER_LENGTH) {
                return null;
            }
            // indexes instead of substrings: this runs on every request, with whatever cookies the site sets
            int length = header.length();
            int start = 0;
            // the first '=' at or after start, -1 when none is left; searched again only once start
            // has passed it, so a header of many pairs without '=' is still read in one pass
            int eq = header.indexOf('=');
            while (start <= length) {
                int end = header.indexOf(';', start);
                if (end < 0) {
                    end = length;
                }
                if (eq >= 0 && eq < start) {
                    eq = header.indexOf('=', start);
                }
                if (eq >= 0 && eq < end) {
                    int nameStart = skipBlanks(header, start, eq);
                    int nameEnd = trimBlanks(header, nameStart, eq);
                    if (nameEnd - nameStart == name.length() && header.startsWith(name, nameStart)) {
                        int valueStart = skipBlanks(header, eq + 1, end);
                        int valueEnd = trimBlanks(header, valueStart, end);
                        if (valueEnd - valueStart >= 2 && header.charAt(valueStart) == '"'
                                && header.charAt(valueEnd - 1) == '"') {
                            valueStart++;
                            valueEnd--;
                        }
                        String value = header.substring(valueStart, valueEnd);
                        if (found != null && !found.equals(value)) {
                            return null; // the same name twice with different values: trust neither
                        }
                        found = value;
                    }
                }
                start = end + 1;
            }
        }
        return found;
    }

    /** The first index in [from, to) that is not a blank as {@link String#trim()} sees it, or {@code to}. */
    private static int skipBlanks(String text, int from, int to) {
        while (from < to && text.charAt(from) <= ' ') {
            from++;
        }
        return from;
    }

    /** The end of [from, to) without its trailing blanks. */
    private static int trimBlanks(String text, int from, int to) {
        while (to > from && text.charAt(to - 1) <= ' ') {
            to--;
        }
        return to;
    }

    private boolean hasName(List<String> headers) {
        if (headers == null) {
            return false;
        }
        for (String header : headers) {
            if (header == null) {
                continue;
            }
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private byte[] mac(int keyIndex, String text) {
        Mac mac = macs.get()[keyIndex];
        return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
    }

    private Mac[] newMacs() {
        Mac[] result = new Mac[keys.size()];
        try {
            for (int i = 0; i < result.length; i++) {
                result[i] = Mac.getInstance(HMAC);
                result[i].init(keys.get(i));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
        return result;
    }

    /** A verified cookie: the id, and whether the current (first) secret signed it. */
    record Verified(SessionId id, boolean currentSecret) {
    }

    @Override
    public String toString() {
        return "CookiePolicy[name=" + name + ", path=" + path + ", domain=" + domain + ", sameSite=" + sameSite
                + ", secrets=" + keys.size() + "]";
    }
}
