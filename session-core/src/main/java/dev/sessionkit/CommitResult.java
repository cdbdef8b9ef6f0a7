package dev.sessionkit;

import java.util.Optional;

/**
 * What an adapter must add to the response after {@link SessionManager#commit(SessionContext)}.
 * Immutable.
 */
public final class CommitResult {

    private static final CommitResult NOTHING = new CommitResult(null, false);

    private final String setCookie;
    private final boolean loginRefused;

    private CommitResult(String setCookie, boolean loginRefused) {
        this.setCookie = setCookie;
        this.loginRefused = loginRefused;
    }

    static CommitResult nothing() {
        return NOTHING;
    }

    static CommitResult withCookie(String setCookie) {
        return new CommitResult(setCookie, false);
    }

    static CommitResult of(String setCookie, boolean loginRefused) {
        return setCookie == null && !loginRefused ? NOTHING : new CommitResult(setCookie, loginRefused);
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
     * Whether to send {@code Cache-Control: no-store}: true whenever a cookie is set or cleared,
     * so no shared cache keeps a response that carries a session.
     */
    public boolean noStore() {
        return setCookie != null;
    }

    @Override
    public String toString() {
        return setCookie == null && !loginRefused ? "CommitResult[nothing]"
                : "CommitResult[" + (setCookie != null ? "Set-Cookie" : "") + (loginRefused ? " login refused" : "") + "]";
    }
}
