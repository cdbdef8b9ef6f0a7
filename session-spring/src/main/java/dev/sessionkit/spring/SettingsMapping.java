package dev.sessionkit.spring;

import static dev.sessionkit.SessionSettings.*;

import dev.sessionkit.AppEnvironment;
import dev.sessionkit.SameSite;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.EnvironmentVariables;
import dev.sessionkit.SessionStores;
import dev.sessionkit.StoreProvider;
import dev.sessionkit.StoreSetting;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

/**
 * Maps Spring configuration into {@link SessionSettings.Builder}, which alone validates. Layers,
 * each overriding the one before:
 * <ol>
 *   <li>sessionkit's defaults;</li>
 *   <li>Boot's {@code server.servlet.session.timeout} and {@code server.servlet.session.cookie.*},
 *       only where neither sessionkit property nor variable is set;</li>
 *   <li>the plain variables of every sessionkit adapter ({@code APP_ENV}, {@code DATABASE_URL},
 *       {@code SESSION_SECRET}, …), read through Spring's {@code Environment};</li>
 *   <li>the {@code sessionkit.*} properties.</li>
 * </ol>
 * An active {@code prod} or {@code production} profile means production unless an environment is
 * set explicitly.
 */
final class SettingsMapping {

    /** Each variable sessionkit reads, and the Spring property that overrides it. */
    static final Map<String, String> PROPERTIES = properties();

    private static final Profiles PRODUCTION_PROFILES = Profiles.of("prod", "production");

    private SettingsMapping() {
    }

    static SessionSettings build(SessionkitProperties props, Environment environment) {
        Binder binder = Binder.get(environment);
        SessionSettings.Builder b = SessionSettings.builder();
        Map<String, String> variables = variables(environment);

        applyServletDefaults(b, props, variables, binder);
        b.applyEnvironment(variables);

        if (props.getEnvironment() != null) {
            b.environment(props.getEnvironment());
        } else if (variables.get(APP_ENV) == null && environment.acceptsProfiles(PRODUCTION_PROFILES)) {
            b.environment(AppEnvironment.PRODUCTION);
        }
        set(props.getStore(), b::store);
        set(props.getSecrets(), b::secrets);
        set(props.getTtl(), b::ttl);
        set(props.getAbsoluteTtl(), b::absoluteTtl);
        set(props.getTouchInterval(), b::touchInterval);
        set(props.getRolling(), b::rolling);
        set(props.getResave(), b::resave);
        set(props.getSaveUninitialized(), b::saveUninitialized);
        set(props.getTrustProxy(), b::trustProxy);
        set(props.getTlsOffloaded(), b::tlsOffloaded);
        set(props.getCleanupInterval(), b::cleanupInterval);
        set(props.getRenewalInterval(), b::renewalInterval);
        set(props.getRenewalGrace(), b::renewalGrace);

        SessionkitProperties.Cookie cookie = props.getCookie();
        set(cookie.getName(), b::cookieName);
        set(cookie.getDomain(), b::cookieDomain);
        set(cookie.getPath(), b::cookiePath);
        set(cookie.getSecure(), b::cookieSecure);
        set(cookie.getPersistent(), b::cookiePersistent);
        set(cookie.getSameSite(), b::sameSite);

        set(props.getAttributeTypes(), b::attributeTypes);
        set(props.getSaveMode(), b::saveMode);
        set(props.getMaxSessionsPerUser(), b::maxSessionsPerUser);
        set(props.getMaxSessionsPerUserMode(), b::sessionLimitMode);
        set(props.getSessionHeader(), b::sessionHeader);
        SessionkitProperties.Limits limits = props.getLimits();
        set(limits.getAttributeSize(), size -> b.maxAttributeBytes((int) Math.min(Integer.MAX_VALUE, size.toBytes())));
        set(limits.getSessionSize(), size -> b.maxSessionBytes((int) Math.min(Integer.MAX_VALUE, size.toBytes())));
        set(limits.getAttributes(), b::maxAttributes);
        set(limits.getDepth(), b::maxAttributeDepth);

        StoreSelection selection = StoreSelection.of(environment);
        if (selection.viaSpring()) {
            // auto with the application's PostgreSQL pool or Lettuce client: say so, or core would
            // look for DATABASE_URL or REDIS_URL
            b.store(selection.name());
        }
        return b.build();
    }

    /**
     * The variables the stores on the class path read, as Spring sees them: each store setting's
     * variable ({@code SESSION_DB_POOL_SIZE}) from the Environment, overridden by
     * {@code sessionkit.<store>.<property>} ({@code sessionkit.postgres.pool-size}, or under an
     * alias, {@code sessionkit.jdbc.pool-size}, or in the generic form
     * {@code sessionkit.store.postgres.pool-size}); {@code sessionkit.database-url} is a shorthand for
     * {@code DATABASE_URL}. The store parses and validates the values itself.
     */
    static EnvironmentVariables storeEnvironment(SessionkitProperties props, Environment environment) {
        Binder binder = Binder.get(environment);
        Map<String, String> variables = new HashMap<>();
        for (StoreProvider provider : SessionStores.providers()) {
            for (StoreSetting setting : provider.settings()) {
                String value = environment.getProperty(setting.variable());
                for (String prefix : prefixes(provider)) {
                    String property = binder.bind(prefix + setting.property(), String.class).orElse(null);
                    if (property != null && !property.isBlank()) {
                        value = property;
                    }
                }
                if (value != null && !value.isBlank()) {
                    variables.put(setting.variable(), value);
                }
            }
        }
        String databaseUrl = props != null ? props.getDatabaseUrl()
                : binder.bind(StoreSelection.DATABASE_URL_PROPERTY, String.class).orElse(null);
        if (databaseUrl != null && !databaseUrl.isBlank()) {
            variables.put(StoreSelection.DATABASE_URL, databaseUrl);
        } else if (!variables.containsKey(StoreSelection.DATABASE_URL)) {
            String raw = environment.getProperty(StoreSelection.DATABASE_URL);
            if (raw != null && !raw.isBlank()) {
                variables.put(StoreSelection.DATABASE_URL, raw);
            }
        }
        return EnvironmentVariables.of(variables);
    }

    /**
     * Where a store's properties may be written, weakest first: {@code sessionkit.store.<name>.}
     * (the generic form), then {@code sessionkit.<alias>.}, then {@code sessionkit.<name>.}.
     */
    private static java.util.List<String> prefixes(StoreProvider provider) {
        java.util.List<String> prefixes = new java.util.ArrayList<>();
        prefixes.add("sessionkit.store." + provider.name() + ".");
        provider.aliases().forEach(alias -> prefixes.add("sessionkit." + alias + "."));
        prefixes.add("sessionkit." + provider.name() + ".");
        return prefixes;
    }

    /** The variables sessionkit knows, as Spring's Environment sees them (OS, system properties, files). */
    private static Map<String, String> variables(Environment environment) {
        Map<String, String> variables = new HashMap<>();
        for (String name : PROPERTIES.keySet()) {
            String value = environment.getProperty(name);
            if (value != null && !value.isBlank()) {
                variables.put(name, value);
            }
        }
        return variables;
    }

    private static void applyServletDefaults(SessionSettings.Builder b, SessionkitProperties props,
            Map<String, String> variables, Binder binder) {
        SessionkitProperties.Cookie cookie = props.getCookie();
        if (props.getTtl() == null && !variables.containsKey(SESSION_TTL)) {
            binder.bind("server.servlet.session.timeout", Duration.class).ifBound(b::ttl);
        }
        if (cookie.getName() == null && !variables.containsKey(SESSION_COOKIE_NAME)) {
            binder.bind("server.servlet.session.cookie.name", String.class).ifBound(b::cookieName);
        }
        if (cookie.getDomain() == null && !variables.containsKey(SESSION_COOKIE_DOMAIN)) {
            binder.bind("server.servlet.session.cookie.domain", String.class).ifBound(b::cookieDomain);
        }
        if (cookie.getPath() == null && !variables.containsKey(SESSION_COOKIE_PATH)) {
            binder.bind("server.servlet.session.cookie.path", String.class).ifBound(b::cookiePath);
        }
        if (cookie.getSecure() == null && !variables.containsKey(SESSION_COOKIE_SECURE)) {
            binder.bind("server.servlet.session.cookie.secure", Boolean.class).ifBound(b::cookieSecure);
        }
        if (cookie.getSameSite() == null && !variables.containsKey(SESSION_SAME_SITE)) {
            // Boot's own enum has the same three names; binding to ours keeps Boot's relaxed spelling
            binder.bind("server.servlet.session.cookie.same-site", SameSite.class).ifBound(b::sameSite);
        }
    }

    /** The Spring property for a setting named by a {@link dev.sessionkit.SessionConfigurationException}. */
    static Optional<String> propertyFor(String setting) {
        if (setting == null) {
            return Optional.empty();
        }
        String variable = setting.toUpperCase(Locale.ROOT);
        if (PROPERTIES.containsKey(variable)) {
            return Optional.of(PROPERTIES.get(variable));
        }
        try {
            for (StoreProvider provider : SessionStores.providers()) {
                for (StoreSetting s : provider.settings()) {
                    if (s.variable().equals(variable)) {
                        return Optional.of("sessionkit." + provider.name() + "." + s.property());
                    }
                }
            }
        } catch (RuntimeException e) {
            // a broken provider is reported by the failure itself; no property to name
        }
        return Optional.empty();
    }

    private static <T> void set(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    private static Map<String, String> properties() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(APP_ENV, "sessionkit.environment");
        m.put(SESSION_STORE, "sessionkit.store");
        m.put(SESSION_SECRET, "sessionkit.secrets");
        m.put(SESSION_TTL, "sessionkit.ttl");
        m.put(SESSION_ABSOLUTE_TTL, "sessionkit.absolute-ttl");
        m.put(SESSION_TOUCH_INTERVAL, "sessionkit.touch-interval");
        m.put(SESSION_COOKIE_NAME, "sessionkit.cookie.name");
        m.put(SESSION_COOKIE_DOMAIN, "sessionkit.cookie.domain");
        m.put(SESSION_COOKIE_PATH, "sessionkit.cookie.path");
        m.put(SESSION_COOKIE_SECURE, "sessionkit.cookie.secure");
        m.put(SESSION_COOKIE_PERSISTENT, "sessionkit.cookie.persistent");
        m.put(SESSION_SAME_SITE, "sessionkit.cookie.same-site");
        m.put(SESSION_ROLLING, "sessionkit.rolling");
        m.put(SESSION_RESAVE, "sessionkit.resave");
        m.put(SESSION_SAVE_UNINITIALIZED, "sessionkit.save-uninitialized");
        m.put(SESSION_TRUST_PROXY, "sessionkit.trust-proxy");
        m.put(SESSION_TLS_OFFLOADED, "sessionkit.tls-offloaded");
        m.put(SESSION_CLEANUP_INTERVAL, "sessionkit.cleanup-interval");
        m.put(SESSION_ATTRIBUTE_TYPES, "sessionkit.attribute-types");
        m.put(SESSION_SAVE_MODE, "sessionkit.save-mode");
        m.put(SESSION_MAX_PER_USER, "sessionkit.max-sessions-per-user");
        m.put(SESSION_MAX_PER_USER_MODE, "sessionkit.max-sessions-per-user-mode");
        m.put(SESSION_HEADER, "sessionkit.session-header");
        m.put(SESSION_MAX_ATTRIBUTE_SIZE, "sessionkit.limits.attribute-size");
        m.put(SESSION_MAX_SESSION_SIZE, "sessionkit.limits.session-size");
        m.put(SESSION_MAX_ATTRIBUTES, "sessionkit.limits.attributes");
        m.put(SESSION_MAX_ATTRIBUTE_DEPTH, "sessionkit.limits.depth");
        m.put(SESSION_RENEWAL_INTERVAL, "sessionkit.renewal-interval");
        m.put(SESSION_RENEWAL_GRACE, "sessionkit.renewal-grace");
        return Map.copyOf(m);
    }
}
