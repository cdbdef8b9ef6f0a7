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
 * <p>libpq's multi-host form ({@code postgres://u:p@h1:5432,h2:5432/db}, ports optional, IPv6
 * hosts in brackets) becomes pgjdbc's multi-host URL connecting to the primary; libpq's
 * {@code target_session_attrs} becomes pgjdbc's {@code targetServerType} (see
 * {@code targetServer}).
 *
 * <p>Errors name {@code DATABASE_URL} and what is wrong, never the URL, which may hold a password;
 * {@link #toString()} masks the password.
 */
final class DatabaseUrl {

    private static final int DEFAULT_PORT = 5432;
    private static final String MULTI_HOST_PLACEHOLDER = "multi-host.invalid";
    /**
     * How long pgjdbc trusts what it last saw of a host (after a switchover: that the new primary was
     * a standby). Short, because it is cheap: every new connection checks the role anyway, and a host
     * remembered as down is, once that memory is older than this, tried again only after the others.
     */
    static final int HOST_RECHECK_SECONDS = 2;

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
        // libpq's multi-host form (host1:5432,host2:5432) is no URI authority; the list is taken out
        String hostList = multiHostList(text);
        if (hostList != null) {
            int end = authorityEnd(text);
            text = text.substring(0, end - hostList.length()) + MULTI_HOST_PLACEHOLDER + text.substring(end);
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
        targetServer(properties, hostList != null);
        String hosts = hostList != null ? jdbcHostList(hostList) : host + ":" + port;
        String jdbc = "jdbc:postgresql://" + hosts + "/" + encodePath(database);
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

    /**
     * The host list of a multi-host URL ({@code h1:5432,h2,[::1]:5433}) as it stands in the text,
     * or null when the URL names one host.
     */
    private static String multiHostList(String text) {
        String authority = text.substring(text.indexOf("://") + 3, authorityEnd(text));
        String hosts = authority.substring(authority.lastIndexOf('@') + 1);
        return hosts.indexOf(',') < 0 ? null : hosts;
    }

    private static int authorityEnd(String text) {
        int end = text.indexOf("://") + 3;
        while (end < text.length() && "/?#".indexOf(text.charAt(end)) < 0) {
            end++;
        }
        return end;
    }

    /** libpq's host list as pgjdbc's: every host with its port, IPv6 addresses in brackets. */
    private static String jdbcHostList(String hostList) {
        StringBuilder out = new StringBuilder();
        for (String entry : hostList.split(",", -1)) {
            String host;
            String port = null;
            if (entry.startsWith("[")) {
                int close = entry.indexOf(']');
                if (close < 0 || !entry.substring(1, close).matches("[0-9A-Fa-f:.]+")) {
                    throw invalid("has a broken IPv6 address in its host list");
                }
                host = entry.substring(0, close + 1);
                String rest = entry.substring(close + 1);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) {
                        throw invalid("has a broken IPv6 address in its host list");
                    }
                    port = rest.substring(1);
                }
            } else {
                int colon = entry.indexOf(':');
                host = colon < 0 ? entry : entry.substring(0, colon);
                port = colon < 0 ? null : entry.substring(colon + 1);
                if (host.isEmpty()) {
                    throw invalid("has an empty host in its host list");
                }
                if (!host.matches("[A-Za-z0-9._-]+")) {
                    throw invalid("has a host name with characters a host name cannot have in its host list");
                }
            }
            out.append(out.length() == 0 ? "" : ",").append(host).append(':').append(port(port));
        }
        return out.toString();
    }

    private static int port(String text) {
        if (text == null) {
            return DEFAULT_PORT;
        }
        if (!text.matches("[0-9]{1,5}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
            throw invalid("has a port that is not a number from 1 to 65535 in its host list");
        }
        return Integer.parseInt(text);
    }

    /**
     * Maps libpq's {@code target_session_attrs} to pgjdbc's {@code targetServerType}. Sessions are
     * read and written on the primary only (a revoked session must be dead at once, which a lagging
     * replica cannot promise), so the replica choices are refused. A multi-host URL without the
     * parameter connects to the primary, and re-checks hosts' roles after
     * {@value #HOST_RECHECK_SECONDS} s.
     */
    private static void targetServer(Map<String, String> properties, boolean multiHost) {
        String attrs = properties.remove("target_session_attrs");
        String type;
        if (attrs == null) {
            type = multiHost ? "primary" : null;
        } else {
            switch (attrs) {
                case "read-write", "primary" -> type = "primary";
                case "any" -> type = "any";
                case "read-only", "standby", "prefer-standby" -> throw invalid("has target_session_attrs=" + attrs
                        + ", but sessions are read and written on the primary only (a revoked session must end at"
                        + " once, which a lagging standby cannot promise); use read-write, primary or any");
                default -> throw invalid("has target_session_attrs with a value sessionkit does not know;"
                        + " accepted: read-write, primary, any");
            }
        }
        if (type != null) {
            if (properties.containsKey("targetServerType")) {
                throw invalid("has both target_session_attrs and targetServerType; give one");
            }
            properties.put("targetServerType", type);
        }
        if (multiHost) {
            properties.putIfAbsent("hostRecheckSeconds", Integer.toString(HOST_RECHECK_SECONDS));
        }
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
