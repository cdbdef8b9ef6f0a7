package dev.sessionkit.bench;

import dev.sessionkit.CommitResult;
import dev.sessionkit.RequestInfo;
import dev.sessionkit.Session;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import java.util.List;

/** The data every contender's sessions carry: three small attributes. */
final class Shapes {

    static final String THEME = "theme";
    static final String THEME_VALUE = "dark";
    static final String COUNTER = "counter";
    static final String CART = "cart";
    static final List<Integer> CART_VALUE = List.of(101, 202);
    static final String PRINCIPAL_ATTRIBUTE = "principal";

    /** The secret sessionkit signs cookies with in every JVM of a run (the forks must agree). */
    static final String SECRET = "sessionkit-bench-secret-0123456789-abcdefghijklmnop";

    private Shapes() {
    }

    static String principal(int n) {
        return "user-" + n;
    }

    /** The part of a {@code Set-Cookie} value a browser sends back: {@code name=value}. */
    static String cookieHeader(String setCookie) {
        int semicolon = setCookie.indexOf(';');
        return semicolon < 0 ? setCookie : setCookie.substring(0, semicolon);
    }

    /**
     * One request that creates a session with the three attributes (and {@code principal}, if not
     * null), as every contender's seeding and create shape does; returns its cookie header.
     */
    static String createWithAttributes(SessionManager manager, String principal) {
        SessionContext context = manager.resolve(RequestInfo.ofCookie(null));
        Session session = context.getOrCreate();
        session.set(THEME, THEME_VALUE);
        session.set(COUNTER, 0);
        session.set(CART, CART_VALUE);
        if (principal != null) {
            session.setPrincipal(principal);
        }
        return cookieOf(manager.commit(context));
    }

    /** The cookie header of a commit that must have set a cookie (a new or rotated session). */
    static String cookieOf(CommitResult result) {
        return cookieHeader(result.setCookie()
                .orElseThrow(() -> new IllegalStateException("no Set-Cookie for a new or rotated session")));
    }
}
