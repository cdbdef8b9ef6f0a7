package dev.sessionkit.bench;

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
}
