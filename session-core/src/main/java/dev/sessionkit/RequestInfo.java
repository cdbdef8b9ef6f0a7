package dev.sessionkit;

import java.util.List;
import java.util.Objects;

/**
 * What {@link SessionManager} needs to know of an HTTP request, as plain strings, so that any
 * framework can supply it. Built with {@link #builder()}; adapters set what their request has and
 * leave the rest, so later versions can add fields without breaking them. Forwarded headers are
 * passed as they came; the manager believes them only when {@code SESSION_TRUST_PROXY} is on, and
 * then takes the right-most hop of each: the one the trusted proxy added.
 *
 * <p>Immutable and thread-safe; {@link #toString()} masks the cookie and session headers, which
 * carry the session id, a bearer secret.
 */
public final class RequestInfo {

    private final List<String> cookieHeaders;
    private final boolean secure;
    private final String remoteAddress;
    private final String userAgent;
    private final String forwardedProto;
    private final String forwardedFor;
    private final String sessionHeader;

    /**
     * The request as the first versions described it, without a session header.
     *
     * @param cookieHeaders  the raw {@code Cookie} header values; null counts as empty
     * @param secure         whether the request reached this server over TLS
     * @param remoteAddress  the peer's address, or null
     * @param userAgent      the {@code User-Agent} header, or null
     * @param forwardedProto the {@code X-Forwarded-Proto} header, or null
     * @param forwardedFor   the {@code X-Forwarded-For} header, or null
     * @deprecated use {@link #builder()}, which can carry the session header and whatever later
     *     versions add; this constructor stays until 1.0.
     */
    @Deprecated(since = "0.1.0")
    public RequestInfo(List<String> cookieHeaders, boolean secure, String remoteAddress, String userAgent,
            String forwardedProto, String forwardedFor) {
        this(cookieHeaders, secure, remoteAddress, userAgent, forwardedProto, forwardedFor, null);
    }

    private RequestInfo(List<String> cookieHeaders, boolean secure, String remoteAddress, String userAgent,
            String forwardedProto, String forwardedFor, String sessionHeader) {
        this.cookieHeaders = cookieHeaders == null || cookieHeaders.isEmpty() ? List.of() : withoutNulls(cookieHeaders);
        this.secure = secure;
        this.remoteAddress = remoteAddress;
        this.userAgent = userAgent;
        this.forwardedProto = forwardedProto;
        this.forwardedFor = forwardedFor;
        this.sessionHeader = sessionHeader;
    }

    /** A builder for a plain-http request with no headers. */
    public static Builder builder() {
        return new Builder();
    }

    /** A request with only a {@code Cookie} header (null for none), over plain http. */
    public static RequestInfo ofCookie(String cookieHeader) {
        return builder().cookieHeaders(cookieHeader == null ? List.of() : List.of(cookieHeader)).build();
    }

    /** The raw {@code Cookie} header values; never null, may be empty. */
    public List<String> cookieHeaders() {
        return cookieHeaders;
    }

    /** Whether the request reached this server over TLS. */
    public boolean secure() {
        return secure;
    }

    /** The peer's address, or null. */
    public String remoteAddress() {
        return remoteAddress;
    }

    /** The {@code User-Agent} header, or null. */
    public String userAgent() {
        return userAgent;
    }

    /** The {@code X-Forwarded-Proto} header, or null. */
    public String forwardedProto() {
        return forwardedProto;
    }

    /** The {@code X-Forwarded-For} header, or null. */
    public String forwardedFor() {
        return forwardedFor;
    }

    /**
     * The value of the header {@link SessionSettings#sessionHeader()} names ({@code SESSION_HEADER}),
     * or null when the request has none. Read only when that setting is on.
     */
    public String sessionHeader() {
        return sessionHeader;
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

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestInfo r && secure == r.secure && cookieHeaders.equals(r.cookieHeaders)
                && Objects.equals(remoteAddress, r.remoteAddress) && Objects.equals(userAgent, r.userAgent)
                && Objects.equals(forwardedProto, r.forwardedProto) && Objects.equals(forwardedFor, r.forwardedFor)
                && Objects.equals(sessionHeader, r.sessionHeader);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cookieHeaders, secure, remoteAddress, userAgent, forwardedProto, forwardedFor, sessionHeader);
    }

    /** Masks the cookie and session headers, which carry the session id. */
    @Override
    public String toString() {
        return "RequestInfo[cookieHeaders=" + cookieHeaders.size() + " (masked), sessionHeader="
                + (sessionHeader == null ? "none" : "(masked)") + ", secure=" + secure + ", remoteAddress="
                + remoteAddress + ", userAgent=" + userAgent + ", forwardedProto=" + forwardedProto + ", forwardedFor="
                + forwardedFor + "]";
    }

    /** Builds a {@link RequestInfo}; every field is optional. Not thread-safe. */
    public static final class Builder {

        private List<String> cookieHeaders = List.of();
        private boolean secure;
        private String remoteAddress;
        private String userAgent;
        private String forwardedProto;
        private String forwardedFor;
        private String sessionHeader;

        private Builder() {
        }

        /** The raw {@code Cookie} header values, in order; null counts as none, null entries are dropped. */
        public Builder cookieHeaders(List<String> value) {
            this.cookieHeaders = value;
            return this;
        }

        /** Whether the request reached this server over TLS; default false. */
        public Builder secure(boolean value) {
            this.secure = value;
            return this;
        }

        /** The peer's address, or null. */
        public Builder remoteAddress(String value) {
            this.remoteAddress = value;
            return this;
        }

        /** The {@code User-Agent} header, or null. */
        public Builder userAgent(String value) {
            this.userAgent = value;
            return this;
        }

        /** The {@code X-Forwarded-Proto} header as it came, or null. */
        public Builder forwardedProto(String value) {
            this.forwardedProto = value;
            return this;
        }

        /** The {@code X-Forwarded-For} header as it came, or null. */
        public Builder forwardedFor(String value) {
            this.forwardedFor = value;
            return this;
        }

        /**
         * The value of the {@code SESSION_HEADER} header, or null for none. A request that carries
         * the header on several lines passes them joined with {@code ,} (as HTTP combines them),
         * which no valid token matches.
         */
        public Builder sessionHeader(String value) {
            this.sessionHeader = value;
            return this;
        }

        /** The request. */
        public RequestInfo build() {
            return new RequestInfo(cookieHeaders, secure, remoteAddress, userAgent, forwardedProto, forwardedFor,
                    sessionHeader);
        }
    }
}
