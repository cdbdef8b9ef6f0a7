package dev.sessionkit;

import static dev.sessionkit.SessionSettings.*;

import java.util.Arrays;

/**
 * Maps environment variables onto {@link SessionSettings.Builder}: the variable forms live here,
 * the values' rules in the builder (as Caffeine keeps {@code CaffeineSpec} apart from
 * {@code Caffeine}). Store settings are not read here; each store reads its own.
 */
final class SettingsEnvironment {

    private SettingsEnvironment() {
    }

    static void apply(SessionSettings.Builder b, EnvironmentVariables env) {
        env.ifSet(APP_ENV, v -> b.environment(AppEnvironment.parse(APP_ENV, v)));
        env.ifSet(SESSION_STORE, b::store);
        env.ifSet(SESSION_SECRET, v -> b.secrets(Arrays.stream(v.split(",", -1)).map(String::trim).toList()));
        env.ifDuration(SESSION_TTL, b::ttl);
        env.ifDuration(SESSION_ABSOLUTE_TTL, b::absoluteTtl);
        env.ifDuration(SESSION_TOUCH_INTERVAL, b::touchInterval);
        env.ifSet(SESSION_COOKIE_NAME, b::cookieName);
        env.ifSet(SESSION_COOKIE_DOMAIN, b::cookieDomain);
        env.ifSet(SESSION_COOKIE_PATH, b::cookiePath);
        env.ifSet(SESSION_COOKIE_SECURE, v -> b.cookieSecure(cookieSecure(v)));
        env.ifBoolean(SESSION_COOKIE_PERSISTENT, b::cookiePersistent);
        env.ifSet(SESSION_SAME_SITE, v -> b.sameSite(SameSite.parse(SESSION_SAME_SITE, v)));
        env.ifBoolean(SESSION_ROLLING, b::rolling);
        env.ifBoolean(SESSION_RESAVE, b::resave);
        env.ifBoolean(SESSION_SAVE_UNINITIALIZED, b::saveUninitialized);
        env.ifBoolean(SESSION_TRUST_PROXY, b::trustProxy);
        env.ifBoolean(SESSION_TLS_OFFLOADED, b::tlsOffloaded);
        env.ifDuration(SESSION_CLEANUP_INTERVAL, b::cleanupInterval);
        env.ifList(SESSION_ATTRIBUTE_TYPES, b::attributeTypes);
        env.ifBytes(SESSION_MAX_ATTRIBUTE_SIZE, b::maxAttributeBytes);
        env.ifBytes(SESSION_MAX_SESSION_SIZE, b::maxSessionBytes);
        env.ifInt(SESSION_MAX_ATTRIBUTES, 1, SessionSettings.MAX_ATTRIBUTES_LIMIT, b::maxAttributes);
        env.ifInt(SESSION_MAX_ATTRIBUTE_DEPTH, SessionSettings.MIN_DEPTH, SessionSettings.MAX_DEPTH, b::maxAttributeDepth);
        env.ifSet(SESSION_SAVE_MODE, v -> b.saveMode(SaveMode.parse(SESSION_SAVE_MODE, v)));
        env.ifInt(SESSION_MAX_PER_USER, 1, SessionSettings.MAX_SESSIONS_PER_USER_LIMIT, b::maxSessionsPerUser);
        env.ifSet(SESSION_MAX_PER_USER_MODE, v -> b.sessionLimitMode(SessionLimitMode.parse(SESSION_MAX_PER_USER_MODE, v)));
        env.ifSet(SESSION_HEADER, b::sessionHeader);
        env.ifDuration(SESSION_RENEWAL_INTERVAL, b::renewalInterval);
        env.ifDuration(SESSION_RENEWAL_GRACE, b::renewalGrace);
    }

    /** {@code SESSION_COOKIE_SECURE}: a boolean, or {@code auto} for null. */
    private static Boolean cookieSecure(String v) {
        if ("auto".equalsIgnoreCase(v)) {
            return null;
        }
        if (!v.matches("(?i)true|yes|on|1|false|no|off|0")) {
            throw new SessionConfigurationException(SESSION_COOKIE_SECURE,
                    SESSION_COOKIE_SECURE + " must be true, false or auto, not '" + v + "'");
        }
        return EnvironmentVariables.parseBoolean(SESSION_COOKIE_SECURE, v);
    }
}
