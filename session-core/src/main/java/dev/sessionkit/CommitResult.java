package dev.sessionkit;

import java.util.Objects;
import java.util.Optional;

/**
 * What an adapter must add to the response after {@link SessionManager#commit(SessionContext)}:
 * the {@code Set-Cookie}, the session header when {@code SESSION_HEADER} is on, and
 * {@code Cache-Control: no-store} with either. Immutable; {@link #toString()} masks both values.
 */
public final class CommitResult {

    private static final CommitResult NOTHING = new CommitResult(null, null, false);

    private final String setCookie;
    private final Header header;
    private final boolean loginRefused;

    private CommitResult(String setCookie, Header header, boolean loginRefused) {
        this.setCookie = setCookie;
        this.header = header;
        this.loginRefused = loginRefused;
    }

    static CommitResult nothing() {
        return NOTHING;
    }

    static CommitResult withCookie(String setCookie) {
        return new CommitResult(setCookie, null, false);
    }

    static CommitResult of(String setCookie, Header header, boolean loginRefused) {
        return setCookie == null && header == null && !loginRefused ? NOTHING
                : new CommitResult(setCookie, header, loginRefused);
    }

    /**
     * True when this request signed a user in beyond {@code SESSION_MAX_PER_USER} with
     * {@link SessionLimitMode#REFUSE_NEW}: the login did not happen, the session that tried it has
     * ended (the cookie is cleared), and the adapter answers with an error the application can
     * render instead of what the application meant to send.
     */
    public boolean loginRefused() {
        return loginRefused;
    }

    /** The {@code Set-Cookie} header value to send, if any. */
    public Optional<String> setCookie() {
        return Optional.ofNullable(setCookie);
    }

    /**
     * The session header to set (replacing any earlier value), when {@code SESSION_HEADER} is on and
     * the session was created, got a new id or ended in this request. Sent to clients that brought
     * the header, and to clients that brought no session cookie; a request that came with the cookie
     * alone gets only the {@code Set-Cookie}, so a browser's session id does not become readable by
     * page scripts beside its {@code HttpOnly} cookie.
     */
    public Optional<Header> header() {
        return Optional.ofNullable(header);
    }

    /**
     * Whether to send {@code Cache-Control: no-store}: true whenever a cookie is set or cleared or
     * the session header is sent, so no shared cache keeps a response that carries a session.
     */
    public boolean noStore() {
        return setCookie != null || header != null;
    }

    @Override
    public String toString() {
        if (setCookie == null && header == null && !loginRefused) {
            return "CommitResult[nothing]";
        }
        return "CommitResult[" + (setCookie == null ? "" : "Set-Cookie") + (setCookie != null && header != null ? ", " : "")
                + (header == null ? "" : header) + (loginRefused ? ", login refused" : "") + "]";
    }

    /**
     * A response header carrying the session token: {@code name} is {@code SESSION_HEADER}, and
     * {@code value} the signed session id, {@code <id>.<signature>}, or empty when the session
     * ended (logout), telling the client to forget its token. The value is a bearer secret: never
     * log it. {@link #toString()} masks it.
     *
     * @param name  the header name; not null
     * @param value the signed id, or empty; not null
     */
    public record Header(String name, String value) {

        /** Checks that neither part is null. */
        public Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }

        /** True when the header tells the client that its session ended: the value is empty. */
        public boolean ended() {
            return value.isEmpty();
        }

        /** The name and whether it carries a token; never the token. */
        @Override
        public String toString() {
            return name + (ended() ? " (ended)" : " (masked)");
        }
    }
}
