package dev.sessionkit.postgres;

import dev.sessionkit.SessionConfigurationException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed {@code DATABASE_URL}: either the URL form of Heroku, Render, Fly and libpq
 * ({@code postgres://user:pass@host:port/db?sslmode=require}, user, password and database
 * percent-decoded, query parameters passed to the driver as properties) or a
 * {@code jdbc:postgresql:} URL, which is used as it is.
 *
 * <p>Errors name {@code DATABASE_URL} and what is wrong, never the URL, which may hold a password;
 * {@link #toString()} masks the password.
 */
final class DatabaseUrl {

    private static final int DEFAULT_PORT = 5432;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Map<String, String> properties;

    private DatabaseUrl(String jdbcUrl, String user, String password, Map<String, String> properties) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.properties = Map.copyOf(properties);
    }

    /**
     * @throws SessionConfigurationException naming {@code DATABASE_URL} when the URL cannot be used
     */
    static DatabaseUrl parse(String url) {
        Objects.requireNonNull(url, "url");
        String text = url.trim();
        if (text.startsWith("jdbc:postgresql:")) {
            return new DatabaseUrl(text, null, null, Map.of());
        }
        if (!text.startsWith("postgres://") && !text.startsWith("postgresql://")) {
            throw invalid("must start with postgres://, postgresql:// or jdbc:postgresql:");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            // the exception's message quotes the input, so it is not kept as the cause
            throw invalid("is not a valid URL (percent-encode special characters in the user and password)");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw invalid("has no host");
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon), "user");
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1), "password");
            if (user.isEmpty()) {
                user = null;
            }
        }
        String rawPath = uri.getRawPath();
        String database = rawPath == null || rawPath.length() <= 1 ? "" : decode(rawPath.substring(1), "database name");
        if (database.indexOf('/') >= 0) {
            throw invalid("has a path with more than a database name");
        }
        Map<String, String> properties = new LinkedHashMap<>();
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq), "query parameter");
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1), "query parameter");
                properties.put(name, value);
            }
        }
        String jdbc = "jdbc:postgresql://" + host + ":" + port + "/" + encodePath(database);
        return new DatabaseUrl(jdbc, user, password, properties);
    }

    /** The JDBC URL, without user, password or parameters (those are in the other accessors). */
    String jdbcUrl() {
        return jdbcUrl;
    }

    /** The user, or null when the URL names none. */
    String user() {
        return user;
    }

    /** The password, or null when the URL has none. */
    String password() {
        return password;
    }

    /** Driver properties from the query string, such as {@code sslmode}. */
    Map<String, String> properties() {
        return properties;
    }

    @Override
    public String toString() {
        return "DatabaseUrl[" + jdbcUrl + ", user=" + user + ", password=" + (password == null ? "none" : "****")
                + ", properties=" + properties.keySet() + "]";
    }

    private static String decode(String raw, String part) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw invalid("has a broken percent-escape in the " + part);
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw invalid("has a broken percent-escape in the " + part);
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                // no '+' to space: that is form encoding, not URL encoding
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Percent-encodes a database name for the JDBC URL, which the driver decodes again. */
    private static String encodePath(String database) {
        StringBuilder out = new StringBuilder(database.length());
        for (byte b : database.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static SessionConfigurationException invalid(String what) {
        return new SessionConfigurationException(PostgresStoreSettings.DATABASE_URL, PostgresStoreSettings.DATABASE_URL + " " + what
                + "; expected postgres://user:password@host:5432/database or a jdbc:postgresql: URL"
                + " (value not shown, it may hold a password)");
    }
}
