package dev.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

final class SessionSettingsTest {

    private static final String SECRET = "s3cr3t-that-is-long-enough-for-production-use-0123";
    private static final String OLD_SECRET = "0ld-s3cr3t-that-is-long-enough-for-production-use";
    private static final String DB_PASSWORD = "hunter2-db-pa55word";
    private static final String DB_URL = "postgres://app:" + DB_PASSWORD + "@db.internal:5432/app";
    /** Not a core setting; kept in the environment to prove core neither reads nor shows it. */
    private static final String DATABASE_URL = "DATABASE_URL";
    private static final String DURATION_FORMS = "500ms, 30s, 5m, 12h, 7d";

    private static final List<String> DURATION_VARIABLES = List.of(
            SessionSettings.SESSION_TTL, SessionSettings.SESSION_ABSOLUTE_TTL, SessionSettings.SESSION_TOUCH_INTERVAL,
            SessionSettings.SESSION_CLEANUP_INTERVAL, SessionSettings.SESSION_RENEWAL_INTERVAL,
            SessionSettings.SESSION_RENEWAL_GRACE);

    private static final List<String> BOOLEAN_VARIABLES = List.of(
            SessionSettings.SESSION_COOKIE_PERSISTENT, SessionSettings.SESSION_ROLLING, SessionSettings.SESSION_RESAVE,
            SessionSettings.SESSION_SAVE_UNINITIALIZED, SessionSettings.SESSION_TRUST_PROXY,
            SessionSettings.SESSION_TLS_OFFLOADED);

    /** Every accessor, to compare two settings value by value (secrets aside). */
    private static final Map<String, Function<SessionSettings, Object>> ACCESSORS = accessors();

    private static Map<String, Function<SessionSettings, Object>> accessors() {
        Map<String, Function<SessionSettings, Object>> m = new LinkedHashMap<>();
        m.put("environment", SessionSettings::environment);
        m.put("store", SessionSettings::store);
        m.put("secretGenerated", SessionSettings::secretGenerated);
        m.put("ttl", SessionSettings::ttl);
        m.put("absoluteTtl", SessionSettings::absoluteTtl);
        m.put("touchInterval", SessionSettings::touchInterval);
        m.put("cookieName", SessionSettings::cookieName);
        m.put("cookieDomain", SessionSettings::cookieDomain);
        m.put("cookiePath", SessionSettings::cookiePath);
        m.put("cookieSecure", SessionSettings::cookieSecure);
        m.put("cookiePersistent", SessionSettings::cookiePersistent);
        m.put("sameSite", SessionSettings::sameSite);
        m.put("rolling", SessionSettings::rolling);
        m.put("resave", SessionSettings::resave);
        m.put("saveUninitialized", SessionSettings::saveUninitialized);
        m.put("trustProxy", SessionSettings::trustProxy);
        m.put("tlsOffloaded", SessionSettings::tlsOffloaded);
        m.put("cleanupInterval", SessionSettings::cleanupInterval);
        m.put("maxSessionsPerUser", SessionSettings::maxSessionsPerUser);
        m.put("sessionLimitMode", SessionSettings::sessionLimitMode);
        m.put("sessionHeader", SessionSettings::sessionHeader);
        m.put("renewalInterval", SessionSettings::renewalInterval);
        m.put("renewalGrace", SessionSettings::renewalGrace);
        return m;
    }

    // ---- helpers ----

    /** An environment map from name/value pairs; later pairs win. */
    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static Map<String, String> with(Map<String, String> base, String... pairs) {
        Map<String, String> env = new HashMap<>(base);
        env.putAll(env(pairs));
        return env;
    }

    /** Development with a configured secret and a database URL (so a leak of either would show). */
    private static Map<String, String> devEnv(String... pairs) {
        return with(env(SessionSettings.SESSION_SECRET, SECRET, DATABASE_URL, DB_URL), pairs);
    }

    private static Map<String, String> productionEnv(String... pairs) {
        return with(env(SessionSettings.APP_ENV, "production", SessionSettings.SESSION_SECRET, SECRET,
                DATABASE_URL, DB_URL), pairs);
    }

    private static SessionSettings settings(Map<String, String> env) {
        return SessionSettings.fromEnvironment(env);
    }

    /** Asserts that {@code env} is refused for {@code setting}, without leaking a secret, and returns the exception. */
    private static SessionConfigurationException fails(Map<String, String> env, String setting) {
        Throwable thrown = catchThrowable(() -> SessionSettings.fromEnvironment(env));
        assertThat(thrown).as("env %s", env.keySet()).isInstanceOf(SessionConfigurationException.class);
        SessionConfigurationException e = (SessionConfigurationException) thrown;
        assertThat(e.setting()).isEqualTo(setting);
        assertThat(e.operation()).isEqualTo("configure");
        assertThat(e.getMessage()).contains(setting).doesNotContain(DB_PASSWORD);
        for (String secret : List.of(SECRET, OLD_SECRET)) {
            assertThat(e.getMessage()).doesNotContain(secret);
        }
        String configuredSecret = env.get(SessionSettings.SESSION_SECRET);
        if (configuredSecret != null) {
            for (String part : configuredSecret.split(",")) {
                if (part.trim().length() >= 8) {
                    assertThat(e.getMessage()).doesNotContain(part.trim());
                }
            }
        }
        return e;
    }

    private static Set<String> declaredVariables() throws IllegalAccessException {
        Set<String> names = new TreeSet<>();
        for (Field field : SessionSettings.class.getDeclaredFields()) {
            int mod = field.getModifiers();
            if (Modifier.isPublic(mod) && Modifier.isStatic(mod) && field.getType() == String.class
                    && field.getName().equals(field.get(null))) {
                names.add((String) field.get(null));
            }
        }
        return names;
    }

    // ---- coverage of the variable list ----

    @Test
    void everyDeclaredVariableHasAGoodAndABadCaseHere() throws Exception {
        Set<String> good = goodValues().map(a -> (String) a.get()[0]).collect(Collectors.toCollection(TreeSet::new));
        Set<String> bad = badValues().map(a -> (String) a.get()[0]).collect(Collectors.toCollection(TreeSet::new));

        assertThat(declaredVariables()).hasSize(29);
        assertThat(good).isEqualTo(declaredVariables());
        assertThat(bad).isEqualTo(declaredVariables());
    }

    // ---- defaults ----

    @Test
    void emptyEnvironmentGivesTheDevelopmentDefaults() {
        SessionSettings s = settings(Map.of());

        assertThat(s.environment()).isEqualTo(AppEnvironment.DEVELOPMENT);
        assertThat(s.isProduction()).isFalse();
        assertThat(s.store()).isEqualTo("auto");
        assertThat(s.ttl()).isEqualTo(Duration.ofHours(24));
        assertThat(s.absoluteTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(s.touchInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.cookieName()).isEqualTo("sid");
        assertThat(s.cookieDomain()).isNull();
        assertThat(s.cookiePath()).isEqualTo("/");
        assertThat(s.cookieSecure()).isNull();
        assertThat(s.cookiePersistent()).isTrue();
        assertThat(s.sameSite()).isEqualTo(SameSite.LAX);
        assertThat(s.rolling()).isFalse();
        assertThat(s.resave()).isFalse();
        assertThat(s.saveUninitialized()).isFalse();
        assertThat(s.trustProxy()).isFalse();
        assertThat(s.cleanupInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.maxSessionsPerUser()).isZero();
        assertThat(s.sessionLimitMode()).isEqualTo(SessionLimitMode.REPLACE_OLDEST);
        assertThat(s.sessionHeader()).as("the session header is off by default").isNull();
        assertThat(s.renewalInterval()).isEmpty();
        assertThat(s.renewalGrace()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void builderDefaultsEqualTheEmptyEnvironment() {
        SessionSettings fromBuilder = SessionSettings.builder().build();
        SessionSettings fromEnv = settings(Map.of());

        ACCESSORS.forEach((name, get) -> assertThat(get.apply(fromBuilder)).as(name).isEqualTo(get.apply(fromEnv)));
    }

    @Test
    void productionDefaultsToHostPrefixedCookieAndHourlyCleanup() {
        SessionSettings s = settings(productionEnv());

        assertThat(s.isProduction()).isTrue();
        assertThat(s.cookieName()).isEqualTo("__Host-sid");
        assertThat(s.cleanupInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(s.secretGenerated()).isFalse();
    }

    @Test
    void aShortTtlIsSweptAtHalfItsLengthSoItsExpiryIsReportedSoon() {
        assertThat(settings(Map.of(SessionSettings.SESSION_TTL, "3s")).cleanupInterval()).isEqualTo(Duration.ofMillis(1500));
        assertThat(settings(Map.of(SessionSettings.SESSION_TTL, "1s")).cleanupInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings(Map.of(SessionSettings.SESSION_TTL, "10m")).cleanupInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings(productionEnv(SessionSettings.SESSION_TTL, "30m")).cleanupInterval())
                .isEqualTo(Duration.ofMinutes(15));
        assertThat(settings(Map.of(SessionSettings.SESSION_TTL, "3s", SessionSettings.SESSION_CLEANUP_INTERVAL, "1m"))
                .cleanupInterval()).as("an explicit interval wins").isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void productionFallsBackToPlainSidWhenHostPrefixRulesCannotHold() {
        assertThat(settings(productionEnv(SessionSettings.SESSION_COOKIE_DOMAIN, "example.com")).cookieName())
                .isEqualTo("sid");
        assertThat(settings(productionEnv(SessionSettings.SESSION_COOKIE_PATH, "/app")).cookieName())
                .isEqualTo("sid");
        assertThat(settings(productionEnv(SessionSettings.SESSION_COOKIE_SECURE, "false",
                SessionSettings.SESSION_TLS_OFFLOADED, "true", SessionSettings.SESSION_TRUST_PROXY, "true")).cookieName())
                .isEqualTo("sid");
        assertThat(settings(productionEnv(SessionSettings.SESSION_COOKIE_SECURE, "true")).cookieName())
                .isEqualTo("__Host-sid");
    }

    @Test
    void blankVariablesKeepTheirDefaults() throws Exception {
        Map<String, String> blank = new HashMap<>();
        for (String variable : declaredVariables()) {
            blank.put(variable, "  \t ");
        }
        SessionSettings fromBlank = settings(blank);
        SessionSettings defaults = settings(Map.of());

        ACCESSORS.forEach((name, get) -> assertThat(get.apply(fromBlank)).as(name).isEqualTo(get.apply(defaults)));
    }

    @ParameterizedTest
    @CsvSource({
        "24h, 5m",
        "1h, 5m",
        "50m, 5m",
        "30m, 3m",
        "10m, 1m",
        "1m, 6s",
        "10s, 1s"
    })
    void defaultTouchIntervalIsATenthOfTheTtlAtMostFiveMinutes(String ttl, String touch) {
        SessionSettings s = settings(env(SessionSettings.SESSION_TTL, ttl));

        assertThat(s.touchInterval()).isEqualTo(Durations.parse("test", touch));
    }

    @Test
    void explicitTouchIntervalOverridesTheDefault() {
        assertThat(settings(env(SessionSettings.SESSION_TOUCH_INTERVAL, "30s")).touchInterval())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(settings(env(SessionSettings.SESSION_TOUCH_INTERVAL, "0s")).touchInterval()).isZero();
    }

    // ---- every variable, good values ----

    static Stream<Arguments> goodValues() {
        return Stream.of(
                good(SessionSettings.APP_ENV, "production", productionEnv(), SessionSettings::environment,
                        AppEnvironment.PRODUCTION),
                good(SessionSettings.APP_ENV, "prod", productionEnv(), SessionSettings::environment,
                        AppEnvironment.PRODUCTION),
                good(SessionSettings.APP_ENV, " Production ", productionEnv(), SessionSettings::environment,
                        AppEnvironment.PRODUCTION),
                good(SessionSettings.APP_ENV, "development", devEnv(), SessionSettings::environment,
                        AppEnvironment.DEVELOPMENT),
                good(SessionSettings.APP_ENV, "DEV", devEnv(), SessionSettings::environment, AppEnvironment.DEVELOPMENT),
                good(SessionSettings.SESSION_STORE, "memory", devEnv(), SessionSettings::store, "memory"),
                good(SessionSettings.SESSION_STORE, "JDBC", devEnv(), SessionSettings::store, "jdbc"),
                good(SessionSettings.SESSION_STORE, " acme-store ", devEnv(), SessionSettings::store, "acme-store"),
                good(SessionSettings.SESSION_STORE, "auto", devEnv(), SessionSettings::store, "auto"),
                good(SessionSettings.SESSION_SECRET, SECRET, env(), SessionSettings::secrets, List.of(SECRET)),
                good(SessionSettings.SESSION_SECRET, " " + SECRET + " , " + OLD_SECRET + " ", env(),
                        SessionSettings::secrets, List.of(SECRET, OLD_SECRET)),
                good(SessionSettings.SESSION_SECRET, SECRET, env(), SessionSettings::secretGenerated, false),
                good(SessionSettings.SESSION_TTL, "30m", devEnv(), SessionSettings::ttl, Duration.ofMinutes(30)),
                good(SessionSettings.SESSION_ABSOLUTE_TTL, "30d", devEnv(), SessionSettings::absoluteTtl,
                        Duration.ofDays(30)),
                good(SessionSettings.SESSION_ABSOLUTE_TTL, "24h", devEnv(), SessionSettings::absoluteTtl,
                        Duration.ofHours(24)),
                good(SessionSettings.SESSION_TOUCH_INTERVAL, "1m", devEnv(), SessionSettings::touchInterval,
                        Duration.ofMinutes(1)),
                good(SessionSettings.SESSION_TOUCH_INTERVAL, "0ms", devEnv(), SessionSettings::touchInterval,
                        Duration.ZERO),
                good(SessionSettings.SESSION_COOKIE_NAME, "app_sid", devEnv(), SessionSettings::cookieName, "app_sid"),
                good(SessionSettings.SESSION_COOKIE_NAME, "SESSION.ID-1", devEnv(), SessionSettings::cookieName,
                        "SESSION.ID-1"),
                good(SessionSettings.SESSION_COOKIE_NAME, "__Secure-sid", devEnv(), SessionSettings::cookieName,
                        "__Secure-sid"),
                good(SessionSettings.SESSION_COOKIE_NAME, "__Host-sid",
                        devEnv(SessionSettings.SESSION_COOKIE_SECURE, "true"), SessionSettings::cookieName,
                        "__Host-sid"),
                good(SessionSettings.SESSION_COOKIE_NAME, "s".repeat(64), devEnv(), SessionSettings::cookieName,
                        "s".repeat(64)),
                good(SessionSettings.SESSION_COOKIE_DOMAIN, "example.com", devEnv(), SessionSettings::cookieDomain,
                        "example.com"),
                good(SessionSettings.SESSION_COOKIE_DOMAIN, ".app.example.com", devEnv(),
                        SessionSettings::cookieDomain, ".app.example.com"),
                good(SessionSettings.SESSION_COOKIE_DOMAIN, "localhost", devEnv(), SessionSettings::cookieDomain,
                        "localhost"),
                good(SessionSettings.SESSION_COOKIE_PATH, "/app", devEnv(), SessionSettings::cookiePath, "/app"),
                good(SessionSettings.SESSION_COOKIE_PATH, "/", devEnv(), SessionSettings::cookiePath, "/"),
                good(SessionSettings.SESSION_COOKIE_SECURE, "true", devEnv(), SessionSettings::cookieSecure, true),
                good(SessionSettings.SESSION_COOKIE_SECURE, "FALSE", devEnv(), SessionSettings::cookieSecure, false),
                good(SessionSettings.SESSION_COOKIE_SECURE, "yes", devEnv(), SessionSettings::cookieSecure, true),
                good(SessionSettings.SESSION_COOKIE_SECURE, "0", devEnv(), SessionSettings::cookieSecure, false),
                good(SessionSettings.SESSION_COOKIE_SECURE, "auto", devEnv(), SessionSettings::cookieSecure, null),
                good(SessionSettings.SESSION_COOKIE_SECURE, "AUTO", devEnv(), SessionSettings::cookieSecure, null),
                good(SessionSettings.SESSION_COOKIE_PERSISTENT, "false", devEnv(), SessionSettings::cookiePersistent,
                        false),
                good(SessionSettings.SESSION_COOKIE_PERSISTENT, "on", devEnv(), SessionSettings::cookiePersistent,
                        true),
                good(SessionSettings.SESSION_SAME_SITE, "strict", devEnv(), SessionSettings::sameSite, SameSite.STRICT),
                good(SessionSettings.SESSION_SAME_SITE, "LAX", devEnv(), SessionSettings::sameSite, SameSite.LAX),
                good(SessionSettings.SESSION_SAME_SITE, "None", devEnv(SessionSettings.SESSION_COOKIE_SECURE, "true"),
                        SessionSettings::sameSite, SameSite.NONE),
                good(SessionSettings.SESSION_SAME_SITE, "none", productionEnv(), SessionSettings::sameSite,
                        SameSite.NONE),
                good(SessionSettings.SESSION_ROLLING, "true", devEnv(), SessionSettings::rolling, true),
                good(SessionSettings.SESSION_ROLLING, "off", devEnv(), SessionSettings::rolling, false),
                good(SessionSettings.SESSION_RESAVE, "1", devEnv(), SessionSettings::resave, true),
                good(SessionSettings.SESSION_RESAVE, "no", devEnv(), SessionSettings::resave, false),
                good(SessionSettings.SESSION_SAVE_UNINITIALIZED, "TRUE", devEnv(), SessionSettings::saveUninitialized,
                        true),
                good(SessionSettings.SESSION_TRUST_PROXY, "yes", devEnv(), SessionSettings::trustProxy, true),
                good(SessionSettings.SESSION_TRUST_PROXY, "false", devEnv(), SessionSettings::trustProxy, false),
                good(SessionSettings.SESSION_TLS_OFFLOADED, "true", devEnv(SessionSettings.SESSION_TRUST_PROXY, "true"),
                        SessionSettings::tlsOffloaded, true),
                good(SessionSettings.SESSION_TLS_OFFLOADED, "off", productionEnv(), SessionSettings::tlsOffloaded, false),
                good(SessionSettings.SESSION_CLEANUP_INTERVAL, "10m", devEnv(), SessionSettings::cleanupInterval,
                        Duration.ofMinutes(10)),
                good(SessionSettings.SESSION_CLEANUP_INTERVAL, "PT30S", productionEnv(),
                        SessionSettings::cleanupInterval, Duration.ofSeconds(30)),
                good(SessionSettings.SESSION_ATTRIBUTE_TYPES, "com.example., org.acme.Cart ,com.shop.*", devEnv(),
                        SessionSettings::attributeTypes, List.of("com.example.", "org.acme.Cart", "com.shop.*")),
                good(SessionSettings.SESSION_MAX_ATTRIBUTE_SIZE, "128KiB", devEnv(), SessionSettings::maxAttributeBytes,
                        131072),
                good(SessionSettings.SESSION_MAX_ATTRIBUTE_SIZE, "4096", devEnv(), SessionSettings::maxAttributeBytes,
                        4096),
                good(SessionSettings.SESSION_MAX_SESSION_SIZE, "1m", devEnv(), SessionSettings::maxSessionBytes,
                        1048576),
                good(SessionSettings.SESSION_MAX_ATTRIBUTES, "10", devEnv(), SessionSettings::maxAttributes, 10),
                good(SessionSettings.SESSION_MAX_ATTRIBUTE_DEPTH, "8", devEnv(), SessionSettings::maxAttributeDepth, 8),
                good(SessionSettings.SESSION_SAVE_MODE, "on_set", devEnv(), SessionSettings::saveMode, SaveMode.ON_SET),
                good(SessionSettings.SESSION_MAX_PER_USER, "1", devEnv(), SessionSettings::maxSessionsPerUser, 1),
                good(SessionSettings.SESSION_MAX_PER_USER, " 100000 ", devEnv(), SessionSettings::maxSessionsPerUser, 100_000),
                good(SessionSettings.SESSION_MAX_PER_USER_MODE, "refuse_new", devEnv(), SessionSettings::sessionLimitMode,
                        SessionLimitMode.REFUSE_NEW),
                good(SessionSettings.SESSION_MAX_PER_USER_MODE, "Replace-Oldest", devEnv(),
                        SessionSettings::sessionLimitMode, SessionLimitMode.REPLACE_OLDEST),
                good(SessionSettings.SESSION_SAVE_MODE, "ON-CHANGE", devEnv(), SessionSettings::saveMode,
                        SaveMode.ON_CHANGE),
                good(SessionSettings.SESSION_HEADER, "X-Session-Token", devEnv(), SessionSettings::sessionHeader,
                        "X-Session-Token"),
                good(SessionSettings.SESSION_HEADER, "x-auth-token", productionEnv(), SessionSettings::sessionHeader,
                        "x-auth-token"),
                good(SessionSettings.SESSION_RENEWAL_INTERVAL, "15m", devEnv(), SessionSettings::renewalInterval,
                        java.util.Optional.of(Duration.ofMinutes(15))),
                good(SessionSettings.SESSION_RENEWAL_INTERVAL, "1m", devEnv(), SessionSettings::renewalInterval,
                        java.util.Optional.of(Duration.ofMinutes(1))),
                good(SessionSettings.SESSION_RENEWAL_INTERVAL, "15m", devEnv(), SessionSettings::renewalGrace,
                        Duration.ofSeconds(5)),
                good(SessionSettings.SESSION_RENEWAL_GRACE, "10s", devEnv(SessionSettings.SESSION_RENEWAL_INTERVAL, "15m"),
                        SessionSettings::renewalGrace, Duration.ofSeconds(10)),
                good(SessionSettings.SESSION_RENEWAL_GRACE, "1m", devEnv(SessionSettings.SESSION_RENEWAL_INTERVAL, "1h"),
                        SessionSettings::renewalGrace, Duration.ofMinutes(1)),
                good(SessionSettings.SESSION_RENEWAL_GRACE, "500ms",
                        devEnv(SessionSettings.SESSION_RENEWAL_INTERVAL, "1h"), SessionSettings::renewalGrace,
                        Duration.ofMillis(500)));
    }

    private static Arguments good(String variable, String value, Map<String, String> base,
            Function<SessionSettings, Object> read, Object expected) {
        return Arguments.of(variable, value, base, read, expected);
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("goodValues")
    void goodValueIsApplied(String variable, String value, Map<String, String> base,
            Function<SessionSettings, Object> read, Object expected) {
        SessionSettings s = settings(with(base, variable, value));

        assertThat(read.apply(s)).isEqualTo(expected);
    }

    // ---- every variable, bad values ----

    static Stream<Arguments> badValues() {
        List<Arguments> cases = new ArrayList<>(List.of(
                bad(SessionSettings.APP_ENV, "staging", "'development' or 'production'"),
                bad(SessionSettings.APP_ENV, "production-eu", "'development' or 'production'"),
                bad(SessionSettings.SESSION_STORE, "red is", "auto or a store's name"),
                bad(SessionSettings.SESSION_STORE, "9store", "auto or a store's name"),
                bad(SessionSettings.SESSION_SECRET, SECRET + ",," + OLD_SECRET, "empty secret"),
                bad(SessionSettings.SESSION_SECRET, "," + SECRET, "empty secret"),
                bad(SessionSettings.SESSION_SECRET, SECRET + ", ," + OLD_SECRET, "empty secret"),
                bad(SessionSettings.SESSION_COOKIE_NAME, "my sid", "1 to 64 cookie-name characters"),
                bad(SessionSettings.SESSION_COOKIE_NAME, "sid;Domain=evil.com", "1 to 64 cookie-name characters"),
                bad(SessionSettings.SESSION_COOKIE_NAME, "sid=x", "1 to 64 cookie-name characters"),
                bad(SessionSettings.SESSION_COOKIE_NAME, "séance", "1 to 64 cookie-name characters"),
                bad(SessionSettings.SESSION_COOKIE_NAME, "s".repeat(65), "1 to 64 cookie-name characters"),
                bad(SessionSettings.SESSION_COOKIE_DOMAIN, "exa mple.com", "host name"),
                bad(SessionSettings.SESSION_COOKIE_DOMAIN, "example.com;Secure", "host name"),
                bad(SessionSettings.SESSION_COOKIE_DOMAIN, "https://example.com", "host name"),
                bad(SessionSettings.SESSION_COOKIE_DOMAIN, "-example.com", "host name"),
                bad(SessionSettings.SESSION_COOKIE_DOMAIN, "example..com", "host name"),
                bad(SessionSettings.SESSION_COOKIE_PATH, "app", "must start with /"),
                bad(SessionSettings.SESSION_COOKIE_PATH, "/a b", "must start with /"),
                bad(SessionSettings.SESSION_COOKIE_PATH, "/a;Domain=evil.com", "must start with /"),
                bad(SessionSettings.SESSION_COOKIE_PATH, "/a,b", "must start with /"),
                bad(SessionSettings.SESSION_COOKIE_PATH, "/é", "must start with /"),
                bad(SessionSettings.SESSION_SAME_SITE, "relaxed", "Strict, Lax or None"),
                bad(SessionSettings.SESSION_SAME_SITE, "true", "Strict, Lax or None"),
                bad(SessionSettings.SESSION_ATTRIBUTE_TYPES, "java.", "JDK packages"),
                bad(SessionSettings.SESSION_ATTRIBUTE_TYPES, "com.example.,java.util.*", "JDK packages"),
                bad(SessionSettings.SESSION_ATTRIBUTE_TYPES, "com example", "package prefixes"),
                bad(SessionSettings.SESSION_ATTRIBUTE_TYPES, "*", "package prefixes"),
                bad(SessionSettings.SESSION_MAX_ATTRIBUTE_SIZE, "12", "1KiB to 64MiB"),
                bad(SessionSettings.SESSION_MAX_ATTRIBUTE_SIZE, "lots", "1KiB to 64MiB"),
                bad(SessionSettings.SESSION_MAX_SESSION_SIZE, "1g", "1KiB to 64MiB"),
                bad(SessionSettings.SESSION_MAX_SESSION_SIZE, "2KiB", "must not be smaller than"),
                bad(SessionSettings.SESSION_MAX_ATTRIBUTES, "0", "whole number from 1"),
                bad(SessionSettings.SESSION_MAX_ATTRIBUTE_DEPTH, "1", "whole number from 2"),
                bad(SessionSettings.SESSION_MAX_ATTRIBUTE_DEPTH, "1000", "whole number from 2"),
                bad(SessionSettings.SESSION_SAVE_MODE, "always", "on_change or on_set"),
                bad(SessionSettings.SESSION_MAX_PER_USER, "0", "from 1 to 100000"),
                bad(SessionSettings.SESSION_MAX_PER_USER, "-1", "from 1 to 100000"),
                bad(SessionSettings.SESSION_MAX_PER_USER, "many", "from 1 to 100000"),
                bad(SessionSettings.SESSION_MAX_PER_USER_MODE, "kick", "replace_oldest or refuse_new"),
                bad(SessionSettings.SESSION_HEADER, "X Session Token", "HTTP header name of 1 to 64"),
                bad(SessionSettings.SESSION_HEADER, "X-Token: evil", "HTTP header name of 1 to 64"),
                bad(SessionSettings.SESSION_HEADER, "X-Tok\u00e9n", "HTTP header name of 1 to 64"),
                bad(SessionSettings.SESSION_HEADER, "X".repeat(65), "HTTP header name of 1 to 64"),
                bad(SessionSettings.SESSION_HEADER, "Cookie", "must not name a header with a meaning of its own"),
                bad(SessionSettings.SESSION_HEADER, "set-cookie", "must not name a header with a meaning of its own"),
                bad(SessionSettings.SESSION_HEADER, "AUTHORIZATION", "must not name a header with a meaning of its own"),
                bad(SessionSettings.SESSION_HEADER, "Cache-Control", "must not name a header with a meaning of its own"),
                bad(SessionSettings.SESSION_HEADER, "X-Forwarded-For", "must not name a header with a meaning of its own"),
                bad(SessionSettings.SESSION_HEADER, "Sec-Session", "must not name a header with a meaning of its own"),
                bad(SessionSettings.SESSION_HEADER, "Proxy-Session", "must not name a header with a meaning of its own"),
                bad(SessionSettings.SESSION_RENEWAL_INTERVAL, "59s", "at least 1m"),
                bad(SessionSettings.SESSION_RENEWAL_INTERVAL, "0ms", "at least 1m"),
                bad(SessionSettings.SESSION_RENEWAL_INTERVAL, "7d", "shorter than SESSION_ABSOLUTE_TTL (7d)"),
                bad(SessionSettings.SESSION_RENEWAL_GRACE, "0s", "positive and at most 1m"),
                bad(SessionSettings.SESSION_RENEWAL_GRACE, "61s", "positive and at most 1m"),
                bad(SessionSettings.SESSION_RENEWAL_GRACE, "10s", "has no effect without SESSION_RENEWAL_INTERVAL")));
        for (String variable : BOOLEAN_VARIABLES) {
            cases.add(bad(variable, "maybe", "true or false"));
            cases.add(bad(variable, "2", "true or false"));
        }
        cases.add(bad(SessionSettings.SESSION_COOKIE_SECURE, "sometimes", "true, false or auto"));
        for (String variable : DURATION_VARIABLES) {
            for (String value : List.of("10", "5 minutes", "-5m", "P", "PT", "-P1D", "5", "m5", "1.5h", "5mins", "1w", "five", "5M")) {
                cases.add(bad(variable, value, DURATION_FORMS));
            }
        }
        return cases.stream();
    }

    private static Arguments bad(String variable, String value, String accepted) {
        return Arguments.of(variable, value, accepted);
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badValues")
    void badValueFailsNamingTheVariableAndWhatIsAccepted(String variable, String value, String accepted) {
        SessionConfigurationException e = fails(devEnv(variable, value), variable);

        assertThat(e.getMessage()).contains(accepted);
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badValues")
    void badValueFailsTheSameWayInProduction(String variable, String value, String accepted) {
        SessionConfigurationException e = fails(productionEnv(variable, value), variable);

        assertThat(e.getMessage()).contains(accepted);
    }

    @Test
    void badDurationMessageNamesBothAcceptedForms() {
        SessionConfigurationException e = fails(devEnv(SessionSettings.SESSION_TTL, "5 minutes"),
                SessionSettings.SESSION_TTL);

        assertThat(e.getMessage()).contains("500ms, 30s, 5m, 12h, 7d").contains("ISO-8601").contains("PT30M")
                .contains("'5 minutes'");
    }

    @Test
    void badCookieSecureMessageMentionsAuto() {
        // auto is accepted for SESSION_COOKIE_SECURE, so the message should say so
        SessionConfigurationException e = fails(devEnv(SessionSettings.SESSION_COOKIE_SECURE, "sometimes"),
                SessionSettings.SESSION_COOKIE_SECURE);

        assertThat(e.getMessage()).contains("true").contains("false").contains("auto");
    }

    @Test
    void emptySecretMessageNeverShowsTheOtherSecrets() {
        SessionConfigurationException e = fails(env(SessionSettings.SESSION_SECRET, SECRET + ",," + OLD_SECRET),
                SessionSettings.SESSION_SECRET);

        assertThat(e.getMessage()).contains("stray comma").doesNotContain(SECRET).doesNotContain(OLD_SECRET);
    }

    @Test
    void trailingCommaInSecretIsRejectedLikeALeadingOne() {
        // ",secret" and "a,,b" fail with "check for a stray comma"; "secret," should not be silently accepted
        fails(env(SessionSettings.SESSION_SECRET, SECRET + ","), SessionSettings.SESSION_SECRET);
    }

    // ---- durations ----

    @ParameterizedTest
    @CsvSource({
        "500ms, PT0.5S",
        "30s, PT30S",
        "5m, PT5M",
        "12h, PT12H",
        "7d, PT168H",
        "PT30M, PT30M",
        "P7D, PT168H",
        "P1DT2H, PT26H",
        "pt45s, PT45S",
        "'  90m  ', PT1H30M",
        "1000000ms, PT16M40S"
    })
    void durationFormsAreAccepted(String text, String expected) {
        SessionSettings s = settings(env(SessionSettings.SESSION_ABSOLUTE_TTL, text, SessionSettings.SESSION_TTL, "1ms",
                SessionSettings.SESSION_TOUCH_INTERVAL, "0s"));

        assertThat(s.absoluteTtl()).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @CsvSource({
        "SESSION_TTL, 0s",
        "SESSION_TTL, PT0S",
        "SESSION_TTL, PT-5M",
        "SESSION_ABSOLUTE_TTL, 0d",
        "SESSION_CLEANUP_INTERVAL, 0ms",
        "SESSION_CLEANUP_INTERVAL, PT-1S"
    })
    void zeroOrNegativeDurationFailsWhereAPositiveOneIsNeeded(String variable, String value) {
        SessionConfigurationException e = fails(devEnv(variable, value), variable);

        assertThat(e.getMessage()).contains("positive");
    }

    @Test
    void negativeTouchIntervalFails() {
        SessionConfigurationException e = fails(devEnv(SessionSettings.SESSION_TOUCH_INTERVAL, "PT-1M"),
                SessionSettings.SESSION_TOUCH_INTERVAL);

        assertThat(e.getMessage()).contains("negative");
    }

    @Test
    void hugeTtlFailsAsAConfigurationError() {
        Throwable thrown = catchThrowable(() -> settings(devEnv(SessionSettings.SESSION_TTL, "999999999999d")));

        assertThat(thrown).isInstanceOf(SessionConfigurationException.class);
        assertThat(((SessionConfigurationException) thrown).setting())
                .isIn(SessionSettings.SESSION_TTL, SessionSettings.SESSION_ABSOLUTE_TTL);
    }

    @Test
    void hugeDurationsAreRefusedOrPrintable() {
        Map<String, String> env = devEnv(SessionSettings.SESSION_TTL, "999999999999d",
                SessionSettings.SESSION_ABSOLUTE_TTL, "999999999999d");
        SessionSettings s;
        try {
            s = settings(env);
        } catch (SessionConfigurationException refused) {
            assertThat(refused.setting()).isIn(SessionSettings.SESSION_TTL, SessionSettings.SESSION_ABSOLUTE_TTL);
            return;
        }
        assertThatCode(s::toString).doesNotThrowAnyException();
    }

    // ---- secrets ----

    @Test
    void productionWithoutSecretFails() {
        SessionConfigurationException e = fails(env(SessionSettings.APP_ENV, "production",
                SessionSettings.SESSION_STORE, "memory"), SessionSettings.SESSION_SECRET);

        assertThat(e.getMessage()).contains("32 bytes").contains("production");
    }

    @Test
    void productionWithAShortSecretFailsWithoutShowingIt() {
        String shortSecret = "Hq4-zR8vLw2_Tn6pXc0yBk5sJd1mFg3a";
        String tooShort = shortSecret.substring(1);
        SessionConfigurationException e = fails(productionEnv(SessionSettings.SESSION_SECRET, tooShort),
                SessionSettings.SESSION_SECRET);

        assertThat(tooShort.getBytes(StandardCharsets.UTF_8)).hasSize(31);
        assertThat(e.getMessage()).contains("32 bytes").doesNotContain(tooShort);
        assertThat(settings(productionEnv(SessionSettings.SESSION_SECRET, shortSecret)).secrets())
                .containsExactly(shortSecret);
    }

    @Test
    void secretLengthIsCountedInUtf8Bytes() {
        String sixteenAccented = "éàèùâêîôûëïüçœæñ"; // 16 characters, 32 bytes

        assertThat(sixteenAccented).hasSize(16);
        assertThat(settings(productionEnv(SessionSettings.SESSION_SECRET, sixteenAccented)).secrets())
                .containsExactly(sixteenAccented);
        fails(productionEnv(SessionSettings.SESSION_SECRET, sixteenAccented.substring(1)), SessionSettings.SESSION_SECRET);
    }

    @Test
    void productionWithAShortOlderSecretFailsNamingWhichOne() {
        SessionConfigurationException e = fails(productionEnv(SessionSettings.SESSION_SECRET, SECRET + ",short-old-one"),
                SessionSettings.SESSION_SECRET);

        assertThat(e.getMessage()).contains("#2").doesNotContain("#1").doesNotContain("short-old-one");
    }

    @Test
    void developmentWithoutSecretGeneratesOne() {
        SessionSettings first = settings(Map.of());
        SessionSettings second = settings(Map.of());

        assertThat(first.secretGenerated()).isTrue();
        assertThat(first.secrets()).hasSize(1);
        assertThat(first.secrets().get(0).getBytes(StandardCharsets.UTF_8).length)
                .isGreaterThanOrEqualTo(SessionSettings.MIN_SECRET_BYTES);
        assertThat(first.secrets()).isNotEqualTo(second.secrets());
    }

    @Test
    void developmentAcceptsAShortSecret() {
        SessionSettings s = settings(env(SessionSettings.SESSION_SECRET, "dev"));

        assertThat(s.secrets()).containsExactly("dev");
        assertThat(s.secretGenerated()).isFalse();
    }

    @Test
    void secretsAreUnmodifiable() {
        List<String> secrets = settings(devEnv()).secrets();

        assertThat(catchThrowable(() -> secrets.add("x"))).isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- store selection (the choice itself is SessionStores's: see SessionStoresTest) ----

    @Test
    void productionWithoutADatabaseIsStillValidSettings() {
        // which store production may use is decided when the store is opened, by SessionStores
        SessionSettings s = settings(env(SessionSettings.APP_ENV, "production", SessionSettings.SESSION_SECRET, SECRET));

        assertThat(s.store()).isEqualTo("auto");
    }

    @ParameterizedTest
    @ValueSource(strings = {"my store", "1st", "-x", "store!", "Ütf"})
    void unusableStoreNamesFailNamingSessionStore(String name) {
        SessionConfigurationException e = fails(devEnv(SessionSettings.SESSION_STORE, name), SessionSettings.SESSION_STORE);

        assertThat(e.getMessage()).contains("store's name");
    }

    // ---- cookie rules ----

    @Test
    void sameSiteNoneWithoutSecureFailsInDevelopment() {
        SessionConfigurationException e = fails(devEnv(SessionSettings.SESSION_SAME_SITE, "None"),
                SessionSettings.SESSION_SAME_SITE);

        assertThat(e.getMessage()).contains("SESSION_COOKIE_SECURE=true");
        fails(devEnv(SessionSettings.SESSION_SAME_SITE, "None", SessionSettings.SESSION_COOKIE_SECURE, "false"),
                SessionSettings.SESSION_SAME_SITE);
    }

    @Test
    void sameSiteNoneWithSecureTurnedOffFailsInProduction() {
        fails(productionEnv(SessionSettings.SESSION_SAME_SITE, "None", SessionSettings.SESSION_COOKIE_SECURE, "false"),
                SessionSettings.SESSION_SAME_SITE);
    }

    @Test
    void hostPrefixNeedsSecureInDevelopment() {
        SessionConfigurationException e = fails(devEnv(SessionSettings.SESSION_COOKIE_NAME, "__Host-sid"),
                SessionSettings.SESSION_COOKIE_NAME);

        assertThat(e.getMessage()).contains("SESSION_COOKIE_SECURE=true");
    }

    @ParameterizedTest
    @CsvSource({
        "SESSION_COOKIE_DOMAIN, example.com",
        "SESSION_COOKIE_PATH, /app",
        "SESSION_COOKIE_SECURE, false"
    })
    void hostPrefixRejectsDomainOtherPathsAndInsecure(String variable, String value) {
        SessionConfigurationException e = fails(productionEnv(SessionSettings.SESSION_COOKIE_NAME, "__Host-sid",
                variable, value), SessionSettings.SESSION_COOKIE_NAME);

        assertThat(e.getMessage()).contains("__Host-").contains("Secure").contains("SESSION_COOKIE_PATH=/")
                .contains("SESSION_COOKIE_DOMAIN");
    }

    @ParameterizedTest
    @ValueSource(strings = {"__host-sid", "__HOST-sid", "__Host-sid", "__hOsT-sid"})
    void hostPrefixRulesHoldInAnyCase(String name) {
        // browsers match the prefix case-insensitively (RFC 6265bis), so a lower-case one is held to the rules too
        SessionConfigurationException dev = fails(devEnv(SessionSettings.SESSION_COOKIE_NAME, name),
                SessionSettings.SESSION_COOKIE_NAME);
        assertThat(dev.getMessage()).contains("SESSION_COOKIE_SECURE=true");
        fails(productionEnv(SessionSettings.SESSION_COOKIE_NAME, name, SessionSettings.SESSION_COOKIE_DOMAIN,
                "example.com"), SessionSettings.SESSION_COOKIE_NAME);
        fails(productionEnv(SessionSettings.SESSION_COOKIE_NAME, name, SessionSettings.SESSION_COOKIE_PATH, "/app"),
                SessionSettings.SESSION_COOKIE_NAME);
        assertThat(settings(productionEnv(SessionSettings.SESSION_COOKIE_NAME, name)).cookieName()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"__secure-sid", "__SECURE-sid", "__Secure-sid"})
    void securePrefixRejectsInsecureInAnyCase(String name) {
        fails(devEnv(SessionSettings.SESSION_COOKIE_NAME, name, SessionSettings.SESSION_COOKIE_SECURE, "false"),
                SessionSettings.SESSION_COOKIE_NAME);
        assertThat(settings(devEnv(SessionSettings.SESSION_COOKIE_NAME, name, SessionSettings.SESSION_COOKIE_SECURE,
                "true")).cookieName()).isEqualTo(name);
    }

    // ---- where TLS ends ----

    @Test
    void productionRefusesInsecureCookiesUnlessTlsIsOffloaded() {
        SessionConfigurationException e = fails(productionEnv(SessionSettings.SESSION_COOKIE_SECURE, "false"),
                SessionSettings.SESSION_COOKIE_SECURE);

        assertThat(e.getMessage()).contains("APP_ENV=production", "SESSION_TLS_OFFLOADED=true",
                "SESSION_TRUST_PROXY=true");
        fails(productionEnv(SessionSettings.SESSION_COOKIE_SECURE, "false", SessionSettings.SESSION_TRUST_PROXY, "true"),
                SessionSettings.SESSION_COOKIE_SECURE);
        SessionSettings offloaded = settings(productionEnv(SessionSettings.SESSION_COOKIE_SECURE, "false",
                SessionSettings.SESSION_TLS_OFFLOADED, "true", SessionSettings.SESSION_TRUST_PROXY, "true"));
        assertThat(offloaded.tlsOffloaded()).isTrue();
        assertThat(offloaded.cookieSecure()).isFalse();
    }

    @Test
    void tlsOffloadedNeedsATrustedProxyInEveryEnvironment() {
        for (Map<String, String> env : List.of(devEnv(SessionSettings.SESSION_TLS_OFFLOADED, "true"),
                productionEnv(SessionSettings.SESSION_TLS_OFFLOADED, "true"),
                productionEnv(SessionSettings.SESSION_TLS_OFFLOADED, "true", SessionSettings.SESSION_COOKIE_SECURE,
                        "false"))) {
            SessionConfigurationException e = fails(env, SessionSettings.SESSION_TLS_OFFLOADED);
            assertThat(e.getMessage()).contains("SESSION_TRUST_PROXY=true");
        }
    }

    @Test
    void developmentStillAcceptsInsecureCookiesWithoutTlsOffloaded() {
        assertThat(settings(devEnv(SessionSettings.SESSION_COOKIE_SECURE, "false")).cookieSecure()).isFalse();
    }

    // ---- trivial secrets ----

    @ParameterizedTest
    @ValueSource(strings = {"a", "ab", "secret", "password", "changeme-", "0123456789abcdef", "Xy7#"})
    void productionRefusesALongButTrivialSecretWithoutShowingIt(String unit) {
        String trivial = unit.repeat(64 / unit.length() + 1);
        SessionConfigurationException e = fails(productionEnv(SessionSettings.SESSION_SECRET, trivial),
                SessionSettings.SESSION_SECRET);

        assertThat(trivial.length()).isGreaterThanOrEqualTo(64);
        assertThat(e.getMessage()).contains("SESSION_SECRET", "trivial", "#1").doesNotContain(unit.repeat(2));
        assertThat(settings(devEnv(SessionSettings.SESSION_SECRET, trivial)).secrets()).containsExactly(trivial);
    }

    @Test
    void productionNamesWhichSecretIsTrivial() {
        SessionConfigurationException e = fails(productionEnv(SessionSettings.SESSION_SECRET, SECRET + "," + "z".repeat(40)),
                SessionSettings.SESSION_SECRET);

        assertThat(e.getMessage()).contains("#2").doesNotContain("#1").doesNotContain("zzzz");
    }

    @Test
    void aLongSecretOfFewerThanSixteenDistinctBytesIsRefusedInProduction() {
        String fifteen = "password1234password1234password12345678"; // 15 distinct, 40 bytes, not one text repeated
        SessionConfigurationException e = fails(productionEnv(SessionSettings.SESSION_SECRET, fifteen),
                SessionSettings.SESSION_SECRET);

        assertThat(e.getMessage()).contains("trivial").doesNotContain(fifteen);
        assertThat(SessionSettings.Builder.isTrivial("0123456789abcdef0123456789abcdefX".getBytes(StandardCharsets.UTF_8)))
                .as("17 distinct").isFalse();
        assertThat(SessionSettings.Builder.isTrivial("89abcdef89abcdef89abcdef89abcdef".getBytes(StandardCharsets.UTF_8)))
                .as("hex, one text repeated").isTrue();
        assertThat(SessionSettings.Builder.isTrivial("3f9a1c07e5b2d8463f9a1c0e5b2d847a6".getBytes(StandardCharsets.UTF_8)))
                .as("hex digits with 12 distinct").isFalse();
    }

    @Test
    void randomHexAndBase64SecretsAreNeverTrivial() {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 20_000; i++) {
            // at least 32 characters, the shortest secret production accepts
            byte[] bytes = new byte[24 + random.nextInt(25)];
            random.nextBytes(bytes);
            String hex = java.util.HexFormat.of().formatHex(bytes);
            String base64 = java.util.Base64.getEncoder().encodeToString(bytes);
            assertThat(SessionSettings.Builder.isTrivial(hex.getBytes(StandardCharsets.US_ASCII))).as(hex).isFalse();
            assertThat(SessionSettings.Builder.isTrivial(base64.getBytes(StandardCharsets.US_ASCII))).as(base64).isFalse();
        }
        assertThat(settings(productionEnv(SessionSettings.SESSION_SECRET, "0123456789abcdef0123456789abcdef-x"))
                .secrets()).hasSize(1);
    }

    @Test
    void securePrefixRejectsInsecure() {
        fails(devEnv(SessionSettings.SESSION_COOKIE_NAME, "__Secure-sid", SessionSettings.SESSION_COOKIE_SECURE, "no"),
                SessionSettings.SESSION_COOKIE_NAME);
    }

    // ---- timing rules ----

    @Test
    void absoluteTtlShorterThanTtlFails() {
        SessionConfigurationException e = fails(devEnv(SessionSettings.SESSION_TTL, "2h",
                SessionSettings.SESSION_ABSOLUTE_TTL, "1h"), SessionSettings.SESSION_ABSOLUTE_TTL);

        assertThat(e.getMessage()).contains("SESSION_TTL").contains("2h").contains("1h");
    }

    @Test
    void defaultAbsoluteTtlIsTooShortForALongerTtl() {
        fails(devEnv(SessionSettings.SESSION_TTL, "8d"), SessionSettings.SESSION_ABSOLUTE_TTL);
    }

    @Test
    void absoluteTtlEqualToTtlIsAccepted() {
        SessionSettings s = settings(devEnv(SessionSettings.SESSION_TTL, "12h", SessionSettings.SESSION_ABSOLUTE_TTL,
                "PT12H"));

        assertThat(s.absoluteTtl()).isEqualTo(s.ttl());
    }

    @ParameterizedTest
    @ValueSource(strings = {"30m", "31m", "1h"})
    void touchIntervalNotShorterThanTtlFails(String touch) {
        SessionConfigurationException e = fails(devEnv(SessionSettings.SESSION_TTL, "30m",
                SessionSettings.SESSION_TOUCH_INTERVAL, touch), SessionSettings.SESSION_TOUCH_INTERVAL);

        assertThat(e.getMessage()).contains("shorter than").contains("SESSION_TTL");
    }

    @Test
    void touchIntervalJustUnderTtlIsAccepted() {
        assertThat(settings(devEnv(SessionSettings.SESSION_TTL, "30m", SessionSettings.SESSION_TOUCH_INTERVAL,
                "1799999ms")).touchInterval()).isEqualTo(Duration.ofMinutes(30).minusMillis(1));
    }

    // ---- toString ----

    @Test
    void toStringMasksSecretsAndDatabaseUrl() {
        SessionSettings s = settings(productionEnv(SessionSettings.SESSION_SECRET, SECRET + "," + OLD_SECRET));

        assertThat(s.toString())
                .doesNotContain(SECRET).doesNotContain(OLD_SECRET)
                .doesNotContain(DB_PASSWORD).doesNotContain(DB_URL).doesNotContain("db.internal")
                .contains("secrets=2").contains("environment=PRODUCTION");
    }

    @Test
    void toStringShowsGeneratedSecretAsGeneratedOnly() {
        SessionSettings s = settings(Map.of());

        assertThat(s.toString()).doesNotContain(s.secrets().get(0)).contains("(generated)");
    }

    // ---- id renewal ----

    @Test
    void renewalGraceMustBeShorterThanTheRenewalInterval() {
        SessionConfigurationException e = fails(devEnv(SessionSettings.SESSION_RENEWAL_INTERVAL, "1m",
                SessionSettings.SESSION_RENEWAL_GRACE, "1m"), SessionSettings.SESSION_RENEWAL_GRACE);

        assertThat(e.getMessage()).contains("shorter than SESSION_RENEWAL_INTERVAL (1m)");
    }

    @Test
    void renewalIntervalMustBeShorterThanAConfiguredAbsoluteTtl() {
        SessionConfigurationException e = fails(devEnv(SessionSettings.SESSION_ABSOLUTE_TTL, "1d",
                SessionSettings.SESSION_RENEWAL_INTERVAL, "24h"), SessionSettings.SESSION_RENEWAL_INTERVAL);

        assertThat(e.getMessage()).contains("shorter than SESSION_ABSOLUTE_TTL (1d)");
    }

    @Test
    void renewalSettersCheckAtOnce() {
        SessionSettings.Builder b = SessionSettings.builder();

        assertThat(catchThrowable(() -> b.renewalInterval(Duration.ofSeconds(30))))
                .isInstanceOf(SessionConfigurationException.class).hasMessageContaining("at least 1m");
        assertThat(catchThrowable(() -> b.renewalGrace(Duration.ofSeconds(-1))))
                .isInstanceOf(SessionConfigurationException.class).hasMessageContaining("positive");
        assertThatNullPointerException().isThrownBy(() -> b.renewalGrace(null));
        assertThat(b.renewalInterval(Duration.ofMinutes(10)).renewalInterval(null).build().renewalInterval()).isEmpty();
    }

    // ---- newBuilder ----

    @Test
    void newBuilderRoundTripsEveryValue() {
        SessionSettings original = settings(productionEnv(
                SessionSettings.SESSION_SECRET, SECRET + "," + OLD_SECRET,
                SessionSettings.SESSION_STORE, "jdbc",
                SessionSettings.SESSION_TTL, "2h",
                SessionSettings.SESSION_ABSOLUTE_TTL, "3d",
                SessionSettings.SESSION_TOUCH_INTERVAL, "90s",
                SessionSettings.SESSION_COOKIE_NAME, "app_sid",
                SessionSettings.SESSION_COOKIE_DOMAIN, "example.com",
                SessionSettings.SESSION_COOKIE_PATH, "/app",
                SessionSettings.SESSION_COOKIE_SECURE, "true",
                SessionSettings.SESSION_COOKIE_PERSISTENT, "false",
                SessionSettings.SESSION_SAME_SITE, "none",
                SessionSettings.SESSION_ROLLING, "true",
                SessionSettings.SESSION_RESAVE, "true",
                SessionSettings.SESSION_SAVE_UNINITIALIZED, "true",
                SessionSettings.SESSION_TRUST_PROXY, "true",
                SessionSettings.SESSION_TLS_OFFLOADED, "true",
                SessionSettings.SESSION_CLEANUP_INTERVAL, "15m",
                SessionSettings.SESSION_HEADER, "X-Session-Token",
                SessionSettings.SESSION_RENEWAL_INTERVAL, "20m",
                SessionSettings.SESSION_RENEWAL_GRACE, "3s",
                SessionSettings.SESSION_STORE, "postgres"));

        SessionSettings copy = original.newBuilder().build();

        ACCESSORS.forEach((name, get) -> assertThat(get.apply(copy)).as(name).isEqualTo(get.apply(original)));
        assertThat(copy.secrets()).isEqualTo(original.secrets());
        assertThat(copy.toString()).isEqualTo(original.toString());
    }

    @Test
    void newBuilderRoundTripsTheDefaults() {
        SessionSettings original = settings(productionEnv());
        SessionSettings copy = original.newBuilder().build();

        ACCESSORS.forEach((name, get) -> assertThat(get.apply(copy)).as(name).isEqualTo(get.apply(original)));
        assertThat(copy.secrets()).isEqualTo(original.secrets());
    }

    @Test
    void newBuilderChangesOnlyWhatIsSet() {
        SessionSettings original = settings(devEnv());
        SessionSettings copy = original.newBuilder().cookiePath("/other").rolling(true).build();

        assertThat(copy.cookiePath()).isEqualTo("/other");
        assertThat(copy.rolling()).isTrue();
        assertThat(original.cookiePath()).isEqualTo("/");
        assertThat(original.rolling()).isFalse();
        assertThat(copy.ttl()).isEqualTo(original.ttl());
    }

    @Test
    void newBuilderOfAGeneratedSecretKeepsItButNotAsIfConfigured() {
        // a development copy signs like the original, so cookies stay valid; but the generated secret
        // does not count as configured, so a copy switched to production still fails for want of one
        SessionSettings original = settings(Map.of());
        SessionSettings copy = original.newBuilder().build();

        assertThat(copy.secretGenerated()).isTrue();
        assertThat(copy.secrets()).isEqualTo(original.secrets());
        Throwable thrown = catchThrowable(
                () -> original.newBuilder().environment(AppEnvironment.PRODUCTION).store("memory").build());
        assertThat(thrown).isInstanceOfSatisfying(SessionConfigurationException.class,
                e -> assertThat(e.setting()).isEqualTo(SessionSettings.SESSION_SECRET));
    }

    @Test
    void newBuilderWithAShorterTtlKeepsTheDefaultTouchIntervalDerived() {
        // the touch interval was never configured: it should follow the new TTL, not keep 5m and fail
        SessionSettings original = settings(devEnv());
        SessionSettings copy = original.newBuilder().ttl(Duration.ofMinutes(1)).build();

        assertThat(copy.touchInterval()).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void newBuilderWithADomainKeepsTheDefaultCookieNameDerived() {
        // the cookie name was never configured: adding a domain should fall back to "sid" as
        // fromEnvironment does, not keep "__Host-sid" and fail
        SessionSettings original = settings(productionEnv());
        SessionSettings copy = original.newBuilder().cookieDomain("example.com").build();

        assertThat(copy.cookieName()).isEqualTo("sid");
    }

    // ---- misuse ----

    @Test
    void fromEnvironmentRejectsNullMap() {
        assertThatNullPointerException().isThrownBy(() -> SessionSettings.fromEnvironment(null));
    }

    @Test
    void unknownVariablesAreIgnored() {
        assertThatCode(() -> settings(devEnv("SESSION_TLL", "nonsense", "PATH", "/usr/bin"))).doesNotThrowAnyException();
    }
}
