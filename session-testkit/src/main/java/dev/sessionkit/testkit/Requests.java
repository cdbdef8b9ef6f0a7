package dev.sessionkit.testkit;

import dev.sessionkit.LookupKey;
import dev.sessionkit.RequestInfo;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import java.util.function.Consumer;

/** Requests through a {@link SessionManager} as an adapter makes them, for tests without HTTP. */
public final class Requests {

    private Requests() {
    }

    /**
     * One request with {@code cookie} (the {@code name=value} pair, or null for none): resolves,
     * runs {@code work}, commits.
     *
     * @return the cookie the client holds afterwards: the one set by the response, else the one it sent
     */
    public static String request(SessionManager manager, String cookie, Consumer<SessionContext> work) {
        SessionContext context = manager.resolve(RequestInfo.ofCookie(cookie));
        work.accept(context);
        return manager.commit(context).setCookie().map(c -> c.substring(0, c.indexOf(';'))).orElse(cookie);
    }

    /** The lookup key of the session {@code cookie} names (which must be live). */
    public static LookupKey keyOf(SessionManager manager, String cookie) {
        return new LookupKey(manager.resolve(RequestInfo.ofCookie(cookie)).session().orElseThrow().handle());
    }
}
