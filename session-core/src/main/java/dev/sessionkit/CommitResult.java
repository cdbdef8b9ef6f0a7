package dev.sessionkit;

import java.util.Optional;

/**
 * What an adapter must add to the response after {@link SessionManager#commit(SessionContext)}.
 * Immutable.
 */
public final class CommitResult {

    private static final CommitResult NOTHING = new CommitResult(null);

    private final String setCookie;

    private CommitResult(String setCookie) {
        this.setCookie = setCookie;
    }

    static CommitResult nothing() {
        return NOTHING;
    }

    static CommitResult withCookie(String setCookie) {
        return new CommitResult(setCookie);
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
        return setCookie == null ? "CommitResult[nothing]" : "CommitResult[Set-Cookie]";
    }
}
