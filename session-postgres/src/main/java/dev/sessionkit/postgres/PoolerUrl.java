package dev.sessionkit.postgres;

import dev.sessionkit.SessionConfigurationException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code pgbouncer=true} flag of a {@code DATABASE_URL}, as Prisma's URLs carry it: it says a
 * transaction-mode pooler is in front, so the store turns named server-side prepared statements
 * off. pgjdbc does not know the parameter, so it is taken out of the URL before the driver sees it.
 * Kept apart from {@link DatabaseUrl}, which parses the rest of the URL.
 */
final class PoolerUrl {

    /** The query parameter. */
    static final String PGBOUNCER = "pgbouncer";

    private static final Pattern PARAMETER = Pattern.compile("([?&])pgbouncer=([^&]*)(&?)", Pattern.CASE_INSENSITIVE);

    private PoolerUrl() {
    }

    /**
     * True when the URL's query has {@code pgbouncer=true}; false when it has {@code pgbouncer=false}
     * or no such parameter.
     *
     * @throws SessionConfigurationException naming {@code DATABASE_URL} for any other value
     */
    static boolean saysPgbouncer(String url) {
        Matcher m = PARAMETER.matcher(query(url));
        if (!m.find()) {
            return false;
        }
        return parse(m.group(2));
    }

    /** {@code jdbcUrl} without its {@code pgbouncer} parameter. */
    static String withoutFlag(String jdbcUrl) {
        int q = jdbcUrl.indexOf('?');
        if (q < 0) {
            return jdbcUrl;
        }
        String query = PARAMETER.matcher(jdbcUrl.substring(q)).replaceAll(r -> r.group(3).isEmpty() ? ""
                : Matcher.quoteReplacement(r.group(1)));
        return jdbcUrl.substring(0, q) + (query.equals("?") ? "" : query);
    }

    /** The value of a {@code pgbouncer} parameter already split from its query. */
    static boolean parse(String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> {
                return true;
            }
            case "false" -> {
                return false;
            }
            default -> throw new SessionConfigurationException(PostgresStoreSettings.DATABASE_URL,
                    PostgresStoreSettings.DATABASE_URL + " has pgbouncer=" + (value.length() > 10 ? "…" : value)
                            + "; expected pgbouncer=true or pgbouncer=false");
        }
    }

    private static String query(String url) {
        int q = url.indexOf('?');
        return q < 0 ? "" : url.substring(q);
    }
}
