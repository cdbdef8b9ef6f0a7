package dev.sessionkit.examples;

/** The {@code PORT} environment variable of the plain demos (servlet and minimal), checked. */
public final class DemoPort {

    /** Without {@code PORT}. */
    public static final int DEFAULT = 8080;

    private DemoPort() {
    }

    /**
     * {@code text} as a port; {@link #DEFAULT} when it is null or blank.
     *
     * @throws IllegalArgumentException naming {@code PORT} when it is not a number from 0 to 65535
     */
    public static int parse(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT;
        }
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("PORT must be a port number from 0 to 65535, not '" + text + "'");
    }
}
