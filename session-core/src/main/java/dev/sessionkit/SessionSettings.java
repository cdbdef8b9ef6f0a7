package dev.sessionkit;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Typed, validated configuration of sessionkit, built with {@link #builder()} or read from the
 * environment with {@link #fromEnvironment()}.
 *
 * <p>Every adapter uses the same names (see the constants, one per environment variable). A bad
 * value fails at once with a {@link SessionConfigurationException} naming the variable, the value
 * (unless it is a secret) and what is accepted. Rules that involve several settings are checked in
 * {@link Builder#build()}.
 *
 * <p>Immutable and thread-safe; {@link #toString()} masks secrets and database passwords.
 */
public final class SessionSettings {

    private static final Logger LOG = LoggerFactory.getLogger(SessionSettings.class);

    public static final String APP_ENV = "APP_ENV";
    public static final String SESSION_STORE = "SESSION_STORE";
    public static final String SESSION_SECRET = "SESSION_SECRET";
    public static final String SESSION_TTL = "SESSION_TTL";
    public static final String SESSION_ABSOLUTE_TTL = "SESSION_ABSOLUTE_TTL";
    public static final String SESSION_TOUCH_INTERVAL = "SESSION_TOUCH_INTERVAL";
    public static final String SESSION_COOKIE_NAME = "SESSION_COOKIE_NAME";
    public static final String SESSION_COOKIE_DOMAIN = "SESSION_COOKIE_DOMAIN";
    public static final String SESSION_COOKIE_PATH = "SESSION_COOKIE_PATH";
    public static final String SESSION_COOKIE_SECURE = "SESSION_COOKIE_SECURE";
    public static final String SESSION_COOKIE_PERSISTENT = "SESSION_COOKIE_PERSISTENT";
    public static final String SESSION_SAME_SITE = "SESSION_SAME_SITE";
    public static final String SESSION_ROLLING = "SESSION_ROLLING";
    public static final String SESSION_RESAVE = "SESSION_RESAVE";
    public static final String SESSION_SAVE_UNINITIALIZED = "SESSION_SAVE_UNINITIALIZED";
    public static final String SESSION_TRUST_PROXY = "SESSION_TRUST_PROXY";
    public static final String SESSION_TLS_OFFLOADED = "SESSION_TLS_OFFLOADED";
    public static final String SESSION_CLEANUP_INTERVAL = "SESSION_CLEANUP_INTERVAL";
    public static final String SESSION_ATTRIBUTE_TYPES = "SESSION_ATTRIBUTE_TYPES";
    public static final String SESSION_MAX_ATTRIBUTE_SIZE = "SESSION_MAX_ATTRIBUTE_SIZE";
    public static final String SESSION_MAX_SESSION_SIZE = "SESSION_MAX_SESSION_SIZE";
    public static final String SESSION_MAX_ATTRIBUTES = "SESSION_MAX_ATTRIBUTES";
    public static final String SESSION_MAX_ATTRIBUTE_DEPTH = "SESSION_MAX_ATTRIBUTE_DEPTH";
    public static final String SESSION_SAVE_MODE = "SESSION_SAVE_MODE";
    public static final String SESSION_MAX_PER_USER = "SESSION_MAX_PER_USER";
    public static final String SESSION_MAX_PER_USER_MODE = "SESSION_MAX_PER_USER_MODE";
    public static final String SESSION_HEADER = "SESSION_HEADER";
    public static final String SESSION_RENEWAL_INTERVAL = "SESSION_RENEWAL_INTERVAL";
    public static final String SESSION_RENEWAL_GRACE = "SESSION_RENEWAL_GRACE";

    /** The shortest {@code SESSION_RENEWAL_INTERVAL}: 1 minute. */
    public static final Duration MIN_RENEWAL_INTERVAL = Duration.ofMinutes(1);

    /** The default of {@code SESSION_RENEWAL_GRACE}: 5 seconds. */
    public static final Duration DEFAULT_RENEWAL_GRACE = Duration.ofSeconds(5);

    /** The longest {@code SESSION_RENEWAL_GRACE}: 1 minute. */
    public static final Duration MAX_RENEWAL_GRACE = Duration.ofMinutes(1);

    /** The value of {@code SESSION_STORE} that lets the environment choose the store. */
    public static final String AUTO_STORE = "auto";

    /** The default of {@code SESSION_MAX_ATTRIBUTE_SIZE}: 64 KiB of JSON. */
    public static final int DEFAULT_MAX_ATTRIBUTE_BYTES = 64 * 1024;

    /** The default of {@code SESSION_MAX_SESSION_SIZE}: 256 KiB of JSON. */
    public static final int DEFAULT_MAX_SESSION_BYTES = 256 * 1024;

    /** The default of {@code SESSION_MAX_ATTRIBUTES}. */
    public static final int DEFAULT_MAX_ATTRIBUTES = 256;

    /** The default of {@code SESSION_MAX_ATTRIBUTE_DEPTH}. */
    public static final int DEFAULT_MAX_ATTRIBUTE_DEPTH = 32;

    /** The shortest secret accepted in production, in UTF-8 bytes. */
    public static final int MIN_SECRET_BYTES = 32;

    /**
     * The fewest distinct byte values a secret accepted in production holds: fewer means a trivial
     * secret ({@code aaaa…}, {@code password1234password…}) whatever its length. A secret of hex
     * digits only needs {@link #MIN_HEX_SECRET_DISTINCT_BYTES}: hex has 16 symbols, and a random hex
     * secret often leaves one or two of them out.
     */
    public static final int MIN_SECRET_DISTINCT_BYTES = 16;

    /** The fewest distinct digits a secret made of hex digits only holds (random hex of 32+ digits always does). */
    public static final int MIN_HEX_SECRET_DISTINCT_BYTES = 8;

    private static final Pattern STORE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    private static final Duration MAX_DEFAULT_TOUCH = Duration.ofMinutes(5);
    static final int MAX_ATTRIBUTES_LIMIT = 100_000;
    static final int MAX_SESSIONS_PER_USER_LIMIT = 100_000;
    static final int MIN_DEPTH = 2;
    static final int MAX_DEPTH = 500;

    private final AppEnvironment environment;
    private final String store;
    private final List<String> secrets;
    private final boolean secretGenerated;
    private final Duration ttl;
    private final Duration absoluteTtl;
    private final Duration touchInterval;
    private final String cookieName;
    private final String cookieDomain;
    private final String cookiePath;
    private final Boolean cookieSecure;
    private final boolean cookiePersistent;
    private final SameSite sameSite;
    private final boolean rolling;
    private final boolean resave;
    private final boolean saveUninitialized;
    private final boolean trustProxy;
    private final boolean tlsOffloaded;
    private final Duration cleanupInterval;
    private final List<String> attributeTypes;
    private final int maxAttributeBytes;
    private final int maxSessionBytes;
    private final int maxAttributes;
    private final int maxAttributeDepth;
    private final SaveMode saveMode;
    private final int maxSessionsPerUser;
    private final SessionLimitMode sessionLimitMode;
    private final String sessionHeader;
    private final Duration renewalInterval;
    private final Duration renewalGrace;
    // what the user set explicitly, so newBuilder() derives the rest again
    private final Duration explicitTouchInterval;
    private final String explicitCookieName;
    private final Duration explicitCleanupInterval;
    private final Duration explicitRenewalGrace;

    private SessionSettings(Builder b, List<String> secrets, boolean secretGenerated) {
        this.environment = b.environment;
        this.store = b.store;
        this.secrets = List.copyOf(secrets);
        this.secretGenerated = secretGenerated;
        this.ttl = b.ttl;
        this.absoluteTtl = b.absoluteTtl;
        this.touchInterval = b.touchInterval != null ? b.touchInterval : defaultTouchInterval(b.ttl);
        this.cookieName = b.cookieName != null ? b.cookieName
                : CookiePolicy.defaultName(b.environment == AppEnvironment.PRODUCTION, b.cookieDomain, b.cookiePath,
                        b.cookieSecure);
        this.cookieDomain = b.cookieDomain;
        this.cookiePath = b.cookiePath;
        this.cookieSecure = b.cookieSecure;
        this.cookiePersistent = b.cookiePersistent;
        this.sameSite = b.sameSite;
        this.rolling = b.rolling;
        this.resave = b.resave;
        this.saveUninitialized = b.saveUninitialized;
        this.trustProxy = b.trustProxy;
        this.tlsOffloaded = b.tlsOffloaded;
        this.cleanupInterval = b.cleanupInterval != null ? b.cleanupInterval : defaultCleanupInterval(b.environment, b.ttl);
        this.attributeTypes = List.copyOf(b.attributeTypes);
        this.maxAttributeBytes = b.maxAttributeBytes;
        this.maxSessionBytes = b.maxSessionBytes;
        this.maxAttributes = b.maxAttributes;
        this.maxAttributeDepth = b.maxAttributeDepth;
        this.saveMode = b.saveMode;
        this.maxSessionsPerUser = b.maxSessionsPerUser;
        this.sessionLimitMode = b.sessionLimitMode;
        this.sessionHeader = b.sessionHeader;
        this.renewalInterval = b.renewalInterval;
        this.renewalGrace = b.renewalGrace != null ? b.renewalGrace : DEFAULT_RENEWAL_GRACE;
        this.explicitRenewalGrace = b.renewalGrace;
        this.explicitTouchInterval = b.touchInterval;
        this.explicitCookieName = b.cookieName;
        this.explicitCleanupInterval = b.cleanupInterval;
    }

    /** A builder with the development defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Reads the process environment. */
    public static SessionSettings fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * Reads settings from a map of environment variables; unset and blank variables keep their
     * defaults.
     *
     * @throws SessionConfigurationException naming the first variable that is invalid
     */
    public static SessionSettings fromEnvironment(Map<String, String> env) {
        return builder().applyEnvironment(env).build();
    }

    /** A builder holding these settings, to derive a changed copy. */
    public Builder newBuilder() {
        Builder b = new Builder();
        b.environment = environment;
        b.store = store;
        b.secrets = secretGenerated ? null : secrets;
        b.inheritedGeneratedSecret = secretGenerated ? secrets.get(0) : null;
        b.ttl = ttl;
        b.absoluteTtl = absoluteTtl;
        b.touchInterval = explicitTouchInterval;
        b.cookieName = explicitCookieName;
        b.cookieDomain = cookieDomain;
        b.cookiePath = cookiePath;
        b.cookieSecure = cookieSecure;
        b.cookiePersistent = cookiePersistent;
        b.sameSite = sameSite;
        b.rolling = rolling;
        b.resave = resave;
        b.saveUninitialized = saveUninitialized;
        b.trustProxy = trustProxy;
        b.tlsOffloaded = tlsOffloaded;
        b.cleanupInterval = explicitCleanupInterval;
        b.attributeTypes = new ArrayList<>(attributeTypes);
        b.maxAttributeBytes = maxAttributeBytes;
        b.maxSessionBytes = maxSessionBytes;
        b.maxAttributes = maxAttributes;
        b.maxAttributeDepth = maxAttributeDepth;
        b.saveMode = saveMode;
        b.maxSessionsPerUser = maxSessionsPerUser;
        b.sessionLimitMode = sessionLimitMode;
        b.sessionHeader = sessionHeader;
        b.renewalInterval = renewalInterval;
        b.renewalGrace = explicitRenewalGrace;
        return b;
    }

    /**
     * 1 h in production, 1 m in development, or half the idle timeout when that is shorter (at
     * least 1 s), so the expiry of a short session is reported soon after it happens.
     */
    static Duration defaultCleanupInterval(AppEnvironment environment, Duration ttl) {
        Duration base = environment == AppEnvironment.PRODUCTION ? Duration.ofHours(1) : Duration.ofMinutes(1);
        Duration half = ttl.dividedBy(2);
        Duration floor = Duration.ofSeconds(1);
        Duration shortTtl = half.compareTo(floor) < 0 ? floor : half;
        return shortTtl.compareTo(base) < 0 ? shortTtl : base;
    }

    static Duration defaultTouchInterval(Duration ttl) {
        Duration tenth = ttl.dividedBy(10);
        return tenth.compareTo(MAX_DEFAULT_TOUCH) > 0 ? MAX_DEFAULT_TOUCH : tenth;
    }

    /** {@code APP_ENV}. */
    public AppEnvironment environment() {
        return environment;
    }

    /** True in production. */
    public boolean isProduction() {
        return environment == AppEnvironment.PRODUCTION;
    }

    /**
     * {@code SESSION_STORE}: the name of the store to open, or {@value #AUTO_STORE} to let the
     * environment choose (see {@link SessionStores}).
     */
    public String store() {
        return store;
    }

    /** The signing secrets, first signs and all verify; never empty. Never log them. */
    public List<String> secrets() {
        return secrets;
    }

    /** True when no secret was configured and a random one was made for this process. */
    public boolean secretGenerated() {
        return secretGenerated;
    }

    /** {@code SESSION_TTL}: the idle timeout. */
    public Duration ttl() {
        return ttl;
    }

    /** {@code SESSION_ABSOLUTE_TTL}: the hard limit from creation or login. */
    public Duration absoluteTtl() {
        return absoluteTtl;
    }

    /** {@code SESSION_TOUCH_INTERVAL}: how stale the last touch may be before a read writes. */
    public Duration touchInterval() {
        return touchInterval;
    }

    /** {@code SESSION_COOKIE_NAME}. */
    public String cookieName() {
        return cookieName;
    }

    /** {@code SESSION_COOKIE_DOMAIN}, or null for a host-only cookie. */
    public String cookieDomain() {
        return cookieDomain;
    }

    /** {@code SESSION_COOKIE_PATH}. */
    public String cookiePath() {
        return cookiePath;
    }

    /** {@code SESSION_COOKIE_SECURE}: true, false, or null for automatic. */
    public Boolean cookieSecure() {
        return cookieSecure;
    }

    /** {@code SESSION_COOKIE_PERSISTENT}: a {@code Max-Age} cookie, or a browser-session cookie. */
    public boolean cookiePersistent() {
        return cookiePersistent;
    }

    /** {@code SESSION_SAME_SITE}. */
    public SameSite sameSite() {
        return sameSite;
    }

    /** {@code SESSION_ROLLING}: re-send the cookie whenever the expiry moves. */
    public boolean rolling() {
        return rolling;
    }

    /** {@code SESSION_RESAVE}: write the expiry on every request, ignoring the touch interval. */
    public boolean resave() {
        return resave;
    }

    /** {@code SESSION_SAVE_UNINITIALIZED}: store new sessions even when nothing was set. */
    public boolean saveUninitialized() {
        return saveUninitialized;
    }

    /** {@code SESSION_TRUST_PROXY}: believe {@code X-Forwarded-Proto} and {@code X-Forwarded-For}. */
    public boolean trustProxy() {
        return trustProxy;
    }

    /**
     * {@code SESSION_TLS_OFFLOADED}: TLS ends at the trusted proxy in front of the application, so
     * with {@code SESSION_COOKIE_SECURE=false} the cookie's {@code Secure} follows the right-most
     * {@code X-Forwarded-Proto} hop. Needs {@link #trustProxy()}.
     */
    public boolean tlsOffloaded() {
        return tlsOffloaded;
    }

    /** {@code SESSION_CLEANUP_INTERVAL}: how often the sweeper purges expired sessions. */
    public Duration cleanupInterval() {
        return cleanupInterval;
    }

    /**
     * {@code SESSION_ATTRIBUTE_TYPES}: the application's classes that attributes may hold, as
     * package prefixes ending in {@code .} ({@code com.example.}) or exact class names. JDK value
     * and collection types are always allowed; see the README's table.
     */
    public List<String> attributeTypes() {
        return attributeTypes;
    }

    /** {@code SESSION_MAX_ATTRIBUTE_SIZE}: the largest JSON one attribute may take, in bytes. */
    public int maxAttributeBytes() {
        return maxAttributeBytes;
    }

    /** {@code SESSION_MAX_SESSION_SIZE}: the largest JSON all attributes of a session may take, in bytes. */
    public int maxSessionBytes() {
        return maxSessionBytes;
    }

    /** {@code SESSION_MAX_ATTRIBUTES}: how many attributes a session may hold. */
    public int maxAttributes() {
        return maxAttributes;
    }

    /** {@code SESSION_MAX_ATTRIBUTE_DEPTH}: how deeply an attribute's JSON may nest. */
    public int maxAttributeDepth() {
        return maxAttributeDepth;
    }

    /**
     * {@code SESSION_RENEWAL_INTERVAL}: how long a signed-in session keeps one id before the next
     * request gives it a new one (OWASP's renewal timeout); empty (the default) renews never.
     */
    public Optional<Duration> renewalInterval() {
        return Optional.ofNullable(renewalInterval);
    }

    /**
     * {@code SESSION_RENEWAL_GRACE}: how long the id a session had before a renewal keeps working,
     * for requests already in flight with it; default {@link #DEFAULT_RENEWAL_GRACE}.
     */
    public Duration renewalGrace() {
        return renewalGrace;
    }

    /** {@code SESSION_SAVE_MODE}: whether values changed in place are saved. */
    public SaveMode saveMode() {
        return saveMode;
    }

    /**
     * {@code SESSION_MAX_PER_USER}: how many live sessions one principal may have, enforced by the
     * store at each login; 0 when unlimited.
     */
    public int maxSessionsPerUser() {
        return maxSessionsPerUser;
    }

    /** {@code SESSION_MAX_PER_USER_MODE}: what a login beyond the limit does. */
    public SessionLimitMode sessionLimitMode() {
        return sessionLimitMode;
    }

    /**
     * {@code SESSION_HEADER}: the request and response header that carries the signed session id
     * besides the cookie, for clients that keep no cookies (such as {@code X-Session-Token}), or null
     * when it is off (the default).
     */
    public String sessionHeader() {
        return sessionHeader;
    }

    @Override
    public String toString() {
        return "SessionSettings[environment=" + environment + ", store=" + store + ", secrets=" + secrets.size()
                + (secretGenerated ? " (generated)" : "") + ", ttl=" + Durations.format(ttl) + ", absoluteTtl="
                + Durations.format(absoluteTtl) + ", touchInterval=" + Durations.format(touchInterval)
 + ", renewalInterval="
                + (renewalInterval == null ? "never" : Durations.format(renewalInterval))
                + ", cookieName=" + cookieName + ", sameSite=" + sameSite + ", rolling=" + rolling + ", trustProxy="
                + trustProxy + (sessionHeader == null ? "" : ", sessionHeader=" + sessionHeader)
                + (tlsOffloaded ? ", tlsOffloaded=true" : "") + "]";
    }

    /**
     * Builds {@link SessionSettings}. Each setter checks its argument at once; {@link #build()}
     * checks the rules that involve several settings. Not thread-safe.
     */
    public static final class Builder {

        private AppEnvironment environment = AppEnvironment.DEVELOPMENT;
        private String store = AUTO_STORE;
        private List<String> secrets;
        private String inheritedGeneratedSecret;
        private Duration ttl = Duration.ofHours(24);
        private Duration absoluteTtl = Duration.ofDays(7);
        private Duration touchInterval;
        private String cookieName;
        private String cookieDomain;
        private String cookiePath = "/";
        private Boolean cookieSecure;
        private boolean cookiePersistent = true;
        private SameSite sameSite = SameSite.LAX;
        private boolean rolling;
        private boolean resave;
        private boolean saveUninitialized;
        private boolean trustProxy;
        private boolean tlsOffloaded;
        private Duration cleanupInterval;
        private List<String> attributeTypes = new ArrayList<>();
        private int maxAttributeBytes = DEFAULT_MAX_ATTRIBUTE_BYTES;
        private int maxSessionBytes = DEFAULT_MAX_SESSION_BYTES;
        private int maxAttributes = DEFAULT_MAX_ATTRIBUTES;
        private int maxAttributeDepth = DEFAULT_MAX_ATTRIBUTE_DEPTH;
        private SaveMode saveMode = SaveMode.ON_CHANGE;
        private int maxSessionsPerUser;
        private SessionLimitMode sessionLimitMode = SessionLimitMode.REPLACE_OLDEST;
        private String sessionHeader;
        private Duration renewalInterval;
        private Duration renewalGrace;

        private Builder() {
        }

        /**
         * Applies every variable of {@code env} that is set and not blank.
         *
         * @throws SessionConfigurationException naming the first invalid variable
         */
        public Builder applyEnvironment(Map<String, String> env) {
            SettingsEnvironment.apply(this, EnvironmentVariables.of(env));
            return this;
        }

        /** As {@link #applyEnvironment(Map)}. */
        public Builder applyEnvironment(EnvironmentVariables env) {
            SettingsEnvironment.apply(this, Objects.requireNonNull(env, "env"));
            return this;
        }

        /** {@code APP_ENV}; default development. */
        public Builder environment(AppEnvironment value) {
            this.environment = Objects.requireNonNull(value, "environment");
            return this;
        }

        /**
         * {@code SESSION_STORE}: a store's name ({@code memory}, {@code postgres}, or a third-party
         * store's) or {@value #AUTO_STORE}; default {@value #AUTO_STORE}. Whether a store of that
         * name is on the class path is checked when the store is opened.
         */
        public Builder store(String value) {
            String name = value == null ? null : value.trim().toLowerCase(java.util.Locale.ROOT);
            if (name == null || !STORE_NAME.matcher(name).matches()) {
                throw new SessionConfigurationException(SESSION_STORE, SESSION_STORE
                        + " must be auto or a store's name (memory, postgres, ...), not '" + value + "'");
            }
            this.store = name;
            return this;
        }

        /**
         * {@code SESSION_SECRET}: the signing secrets, newest first; the first signs and all verify.
         * Null to generate one per process (development only).
         */
        public Builder secrets(List<String> value) {
            if (value != null) {
                if (value.isEmpty()) {
                    throw new SessionConfigurationException(SESSION_SECRET, SESSION_SECRET + " must hold at least one secret");
                }
                for (String secret : value) {
                    if (secret == null || secret.isEmpty()) {
                        throw new SessionConfigurationException(SESSION_SECRET,
                                SESSION_SECRET + " holds an empty secret (check for a stray comma)");
                    }
                }
                value = List.copyOf(value);
            }
            this.secrets = value;
            return this;
        }

        /** Same as {@link #secrets(List)}. */
        public Builder secrets(String... value) {
            return secrets(Arrays.asList(value));
        }

        /** {@code SESSION_TTL}: the idle timeout; default 24 h. */
        public Builder ttl(Duration value) {
            this.ttl = positive(SESSION_TTL, value);
            return this;
        }

        /** {@code SESSION_ABSOLUTE_TTL}: the hard limit; default 7 d. */
        public Builder absoluteTtl(Duration value) {
            this.absoluteTtl = positive(SESSION_ABSOLUTE_TTL, value);
            return this;
        }

        /** {@code SESSION_TOUCH_INTERVAL}; default a tenth of the TTL, at most 5 min; zero touches on every request. */
        public Builder touchInterval(Duration value) {
            Objects.requireNonNull(value, "touchInterval");
            if (value.isNegative()) {
                throw new SessionConfigurationException(SESSION_TOUCH_INTERVAL,
                        SESSION_TOUCH_INTERVAL + " must not be negative, not " + value);
            }
            this.touchInterval = atMostMax(SESSION_TOUCH_INTERVAL, value);
            return this;
        }

        /** {@code SESSION_COOKIE_NAME}; default {@code __Host-sid} in production, {@code sid} in development. */
        public Builder cookieName(String value) {
            this.cookieName = CookiePolicy.checkName(SESSION_COOKIE_NAME, value);
            return this;
        }

        /** {@code SESSION_COOKIE_DOMAIN}; default none (host-only). */
        public Builder cookieDomain(String value) {
            this.cookieDomain = CookiePolicy.checkDomain(SESSION_COOKIE_DOMAIN, value);
            return this;
        }

        /** {@code SESSION_COOKIE_PATH}; default {@code /}. */
        public Builder cookiePath(String value) {
            this.cookiePath = CookiePolicy.checkPath(SESSION_COOKIE_PATH, value);
            return this;
        }

        /** {@code SESSION_COOKIE_SECURE}: true, false, or null for automatic (always in production). */
        public Builder cookieSecure(Boolean value) {
            this.cookieSecure = value;
            return this;
        }

        /** {@code SESSION_COOKIE_PERSISTENT}; default true. */
        public Builder cookiePersistent(boolean value) {
            this.cookiePersistent = value;
            return this;
        }

        /** {@code SESSION_SAME_SITE}; default Lax. */
        public Builder sameSite(SameSite value) {
            this.sameSite = Objects.requireNonNull(value, "sameSite");
            return this;
        }

        /** {@code SESSION_ROLLING}; default false. */
        public Builder rolling(boolean value) {
            this.rolling = value;
            return this;
        }

        /** {@code SESSION_RESAVE}; default false. */
        public Builder resave(boolean value) {
            this.resave = value;
            return this;
        }

        /** {@code SESSION_SAVE_UNINITIALIZED}; default false. */
        public Builder saveUninitialized(boolean value) {
            this.saveUninitialized = value;
            return this;
        }

        /** {@code SESSION_TRUST_PROXY}; default false. */
        public Builder trustProxy(boolean value) {
            this.trustProxy = value;
            return this;
        }

        /**
         * {@code SESSION_TLS_OFFLOADED}: TLS ends at the trusted proxy; default false. Needs
         * {@link #trustProxy(boolean)}; the only way to use {@code SESSION_COOKIE_SECURE=false} in
         * production, and then {@code Secure} follows the proxy's {@code X-Forwarded-Proto}.
         */
        public Builder tlsOffloaded(boolean value) {
            this.tlsOffloaded = value;
            return this;
        }

        /** {@code SESSION_CLEANUP_INTERVAL}; default 1 h in production, 1 min in development. */
        public Builder cleanupInterval(Duration value) {
            this.cleanupInterval = positive(SESSION_CLEANUP_INTERVAL, value);
            return this;
        }

        /**
         * {@code SESSION_ATTRIBUTE_TYPES}: the application classes attribute values may hold, as package
         * prefixes ending in {@code .} (a trailing {@code .*} is accepted too) or exact class names;
         * replaces the list. Whole JDK packages ({@code java.}, {@code javax.}, {@code jdk.},
         * {@code sun.}, {@code com.sun.}) cannot be allowed as prefixes.
         */
        public Builder attributeTypes(List<String> value) {
            List<String> checked = new ArrayList<>();
            for (String entry : Objects.requireNonNull(value, SESSION_ATTRIBUTE_TYPES)) {
                checked.add(AttributeTypes.checkEntry(SESSION_ATTRIBUTE_TYPES, entry));
            }
            this.attributeTypes = checked;
            return this;
        }

        /** Adds to {@link #attributeTypes(List)}. */
        public Builder allowAttributeTypes(String... value) {
            List<String> all = new ArrayList<>(attributeTypes);
            all.addAll(Arrays.asList(value));
            return attributeTypes(all);
        }

        /** {@code SESSION_MAX_ATTRIBUTE_SIZE}, in bytes of JSON; default 64 KiB. */
        public Builder maxAttributeBytes(int value) {
            this.maxAttributeBytes = ByteSizes.check(SESSION_MAX_ATTRIBUTE_SIZE, value);
            return this;
        }

        /** {@code SESSION_MAX_SESSION_SIZE}, in bytes of JSON; default 256 KiB. */
        public Builder maxSessionBytes(int value) {
            this.maxSessionBytes = ByteSizes.check(SESSION_MAX_SESSION_SIZE, value);
            return this;
        }

        /** {@code SESSION_MAX_ATTRIBUTES}; default 256. */
        public Builder maxAttributes(int value) {
            if (value < 1 || value > MAX_ATTRIBUTES_LIMIT) {
                throw new SessionConfigurationException(SESSION_MAX_ATTRIBUTES, SESSION_MAX_ATTRIBUTES
                        + " must be a whole number from 1 to " + MAX_ATTRIBUTES_LIMIT + ", not " + value);
            }
            this.maxAttributes = value;
            return this;
        }

        /** {@code SESSION_MAX_ATTRIBUTE_DEPTH}; default 32. */
        public Builder maxAttributeDepth(int value) {
            if (value < MIN_DEPTH || value > MAX_DEPTH) {
                throw new SessionConfigurationException(SESSION_MAX_ATTRIBUTE_DEPTH, SESSION_MAX_ATTRIBUTE_DEPTH
                        + " must be a whole number from " + MIN_DEPTH + " to " + MAX_DEPTH + ", not " + value);
            }
            this.maxAttributeDepth = value;
            return this;
        }

        /** {@code SESSION_MAX_PER_USER}: 1 to 100,000, or 0 for no limit (the default). */
        public Builder maxSessionsPerUser(int value) {
            if (value < 0 || value > MAX_SESSIONS_PER_USER_LIMIT) {
                throw new SessionConfigurationException(SESSION_MAX_PER_USER, SESSION_MAX_PER_USER
                        + " must be a whole number from 1 to " + MAX_SESSIONS_PER_USER_LIMIT + " (or unset), not " + value);
            }
            this.maxSessionsPerUser = value;
            return this;
        }

        /** {@code SESSION_MAX_PER_USER_MODE}; default {@link SessionLimitMode#REPLACE_OLDEST}. */
        public Builder sessionLimitMode(SessionLimitMode value) {
            this.sessionLimitMode = Objects.requireNonNull(value, SESSION_MAX_PER_USER_MODE);
            return this;
        }

        /** {@code SESSION_SAVE_MODE}; default {@link SaveMode#ON_CHANGE}. */
        public Builder saveMode(SaveMode value) {
            this.saveMode = Objects.requireNonNull(value, SESSION_SAVE_MODE);
            return this;
        }

        /**
         * {@code SESSION_HEADER}: also read the signed session id from this request header, and send
         * it in this response header when a session is created or its id changes (an empty value
         * when it ends); null for none, the default. An HTTP header name that has no meaning of its
         * own: not {@code Cookie}, {@code Set-Cookie}, {@code Authorization}, {@code Host},
         * {@code Cache-Control}, a forwarding header, {@code Sec-*} or {@code Proxy-*}.
         */
        public Builder sessionHeader(String value) {
            this.sessionHeader = value == null ? null : SessionHeader.checkName(SESSION_HEADER, value);
            return this;
        }

        /**
         * {@code SESSION_RENEWAL_INTERVAL}: a signed-in session whose id is this old gets a new id
         * on its next request, keeping its data; at least {@link #MIN_RENEWAL_INTERVAL} and shorter
         * than {@code SESSION_ABSOLUTE_TTL}. Null (the default) turns renewal off.
         */
        public Builder renewalInterval(Duration value) {
            if (value != null) {
                if (value.compareTo(MIN_RENEWAL_INTERVAL) < 0) {
                    throw new SessionConfigurationException(SESSION_RENEWAL_INTERVAL, SESSION_RENEWAL_INTERVAL
                            + " must be at least " + Durations.format(MIN_RENEWAL_INTERVAL) + ", not " + value);
                }
                atMostMax(SESSION_RENEWAL_INTERVAL, value);
            }
            this.renewalInterval = value;
            return this;
        }

        /**
         * {@code SESSION_RENEWAL_GRACE}: how long the id before a renewal keeps working for
         * requests in flight; positive, at most {@link #MAX_RENEWAL_GRACE}, shorter than the
         * renewal interval, and only with a renewal interval. Default {@link #DEFAULT_RENEWAL_GRACE}.
         */
        public Builder renewalGrace(Duration value) {
            Objects.requireNonNull(value, "renewalGrace");
            if (value.isNegative() || value.isZero() || value.compareTo(MAX_RENEWAL_GRACE) > 0) {
                throw new SessionConfigurationException(SESSION_RENEWAL_GRACE, SESSION_RENEWAL_GRACE
                        + " must be positive and at most " + Durations.format(MAX_RENEWAL_GRACE) + ", not " + value);
            }
            this.renewalGrace = value;
            return this;
        }

        /**
         * Checks the rules between settings and builds.
         *
         * @throws SessionConfigurationException naming the setting at fault
         */
        public SessionSettings build() {
            boolean production = environment == AppEnvironment.PRODUCTION;
            if (maxSessionBytes < maxAttributeBytes) {
                throw new SessionConfigurationException(SESSION_MAX_SESSION_SIZE, SESSION_MAX_SESSION_SIZE + " ("
                        + maxSessionBytes + " bytes) must not be smaller than " + SESSION_MAX_ATTRIBUTE_SIZE + " ("
                        + maxAttributeBytes + " bytes)");
            }
            if (absoluteTtl.compareTo(ttl) < 0) {
                throw new SessionConfigurationException(SESSION_ABSOLUTE_TTL, SESSION_ABSOLUTE_TTL + " ("
                        + Durations.format(absoluteTtl) + ") must not be shorter than " + SESSION_TTL + " ("
                        + Durations.format(ttl) + ")");
            }
            if (touchInterval != null && touchInterval.compareTo(ttl) >= 0) {
                throw new SessionConfigurationException(SESSION_TOUCH_INTERVAL, SESSION_TOUCH_INTERVAL + " ("
                        + Durations.format(touchInterval) + ") must be shorter than " + SESSION_TTL + " ("
                        + Durations.format(ttl) + ")");
            }
            checkRenewal();
            CookiePolicy.checkRules(production, cookieName, cookieDomain, cookiePath, cookieSecure, sameSite);
            CookiePolicy.checkTransport(production, cookieSecure, tlsOffloaded, trustProxy);
            List<String> finalSecrets = secrets;
            boolean generated = false;
            if (finalSecrets == null) {
                if (production) {
                    throw new SessionConfigurationException(SESSION_SECRET, APP_ENV + "=production needs "
                            + SESSION_SECRET + ": at least " + MIN_SECRET_BYTES
                            + " bytes of random text, e.g. from `openssl rand -base64 48`");
                }
                if (inheritedGeneratedSecret != null) {
                    // a copy of development settings keeps signing like the original
                    finalSecrets = List.of(inheritedGeneratedSecret);
                } else {
                    byte[] random = new byte[MIN_SECRET_BYTES];
                    new SecureRandom().nextBytes(random);
                    finalSecrets = List.of(Base64Url.encode(random));
                }
                generated = true;
            } else {
                List<String> shortOnes = new ArrayList<>();
                for (int i = 0; i < finalSecrets.size(); i++) {
                    if (finalSecrets.get(i).getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
                        shortOnes.add("#" + (i + 1));
                    }
                }
                if (!shortOnes.isEmpty()) {
                    String message = SESSION_SECRET + " secret " + String.join(", ", shortOnes) + " is shorter than "
                            + MIN_SECRET_BYTES + " bytes";
                    if (production) {
                        throw new SessionConfigurationException(SESSION_SECRET, message
                                + "; use at least " + MIN_SECRET_BYTES + " bytes of random text");
                    }
                    LOG.warn("{}; that is accepted in development only", message);
                }
                List<String> trivialOnes = new ArrayList<>();
                for (int i = 0; i < finalSecrets.size(); i++) {
                    if (isTrivial(finalSecrets.get(i).getBytes(StandardCharsets.UTF_8))) {
                        trivialOnes.add("#" + (i + 1));
                    }
                }
                if (!trivialOnes.isEmpty()) {
                    // names the position, never the secret
                    String message = SESSION_SECRET + " secret " + String.join(", ", trivialOnes) + " is trivial (fewer"
                            + " than " + MIN_SECRET_DISTINCT_BYTES + " distinct bytes, " + MIN_HEX_SECRET_DISTINCT_BYTES
                            + " for hex digits, or one short text repeated)";
                    if (production) {
                        throw new SessionConfigurationException(SESSION_SECRET, message
                                + "; use random text, e.g. from `openssl rand -base64 48`");
                    }
                    LOG.warn("{}; that is accepted in development only", message);
                }
            }
            return new SessionSettings(this, finalSecrets, generated);
        }

        /**
         * A secret no one should sign with, however long: fewer than {@link #MIN_SECRET_DISTINCT_BYTES}
         * distinct bytes ({@link #MIN_HEX_SECRET_DISTINCT_BYTES} when it is hex digits only), or a
         * shorter text repeated ({@code changeme-changeme-…}).
         */
        static boolean isTrivial(byte[] secret) {
            boolean[] seen = new boolean[256];
            int distinct = 0;
            boolean hex = secret.length > 0;
            for (byte b : secret) {
                if (!seen[b & 0xff]) {
                    seen[b & 0xff] = true;
                    distinct++;
                }
                hex &= (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
            }
            if (distinct < (hex ? MIN_HEX_SECRET_DISTINCT_BYTES : MIN_SECRET_DISTINCT_BYTES)) {
                return true;
            }
            for (int period = 1; period <= secret.length / 2; period++) {
                boolean repeats = true;
                for (int i = period; i < secret.length && repeats; i++) {
                    repeats = secret[i] == secret[i - period];
                }
                if (repeats) {
                    return true;
                }
            }
            return false;
        }

        private void checkRenewal() {
            if (renewalInterval == null) {
                if (renewalGrace != null) {
                    throw new SessionConfigurationException(SESSION_RENEWAL_GRACE, SESSION_RENEWAL_GRACE
                            + " has no effect without " + SESSION_RENEWAL_INTERVAL + "; set both or neither");
                }
                return;
            }
            if (renewalInterval.compareTo(absoluteTtl) >= 0) {
                throw new SessionConfigurationException(SESSION_RENEWAL_INTERVAL, SESSION_RENEWAL_INTERVAL + " ("
                        + Durations.format(renewalInterval) + ") must be shorter than " + SESSION_ABSOLUTE_TTL + " ("
                        + Durations.format(absoluteTtl) + "), or no session would ever be renewed");
            }
            Duration grace = renewalGrace != null ? renewalGrace : DEFAULT_RENEWAL_GRACE;
            if (grace.compareTo(renewalInterval) >= 0) {
                throw new SessionConfigurationException(SESSION_RENEWAL_GRACE, SESSION_RENEWAL_GRACE + " ("
                        + Durations.format(grace) + ") must be shorter than " + SESSION_RENEWAL_INTERVAL + " ("
                        + Durations.format(renewalInterval) + ")");
            }
        }

        private static Duration positive(String setting, Duration value) {
            return EnvironmentVariables.requirePositive(setting, value);
        }

        private static Duration atMostMax(String setting, Duration value) {
            if (value.compareTo(Durations.MAX) > 0) {
                throw new SessionConfigurationException(setting, setting + " must be at most 3650d, not " + value);
            }
            return value;
        }
    }
}
