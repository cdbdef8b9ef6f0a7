package dev.sessionkit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the {@link StoreProvider}s on the class path and opens the store the settings select:
 * {@code SESSION_STORE=<name>} picks the provider of that name (or alias); {@code auto} picks the
 * one provider that {@linkplain StoreProvider#recognises recognises} the environment, else
 * {@code memory}. An unknown name fails listing the names found.
 */
public final class SessionStores {

    /** The store {@code auto} falls back to when no provider recognises the environment. */
    public static final String MEMORY = "memory";

    private static final Logger LOG = LoggerFactory.getLogger(SessionStores.class);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    private static final Set<String> RESERVED = Set.of(SessionSettings.AUTO_STORE, "cookie", "limits", "store");
    /** The modules of sessionkit's own stores, to say which dependency a missing name needs. */
    private static final Map<String, String> KNOWN_MODULES = Map.of("postgres", "session-postgres", "jdbc",
            "session-postgres", MEMORY, "session-memory");

    private SessionStores() {
    }

    /**
     * The store a selection resolved to, and why (for logs and condition reports).
     *
     * @param provider the provider that opens it
     * @param reason   why it was chosen, such as {@code SESSION_STORE=auto and DATABASE_URL is set}
     */
    public record Selection(StoreProvider provider, String reason) {
    }

    /**
     * Opens the store {@code settings} select, its settings read from {@code environment} (pass
     * the same variables the settings were read from: {@link EnvironmentVariables#system()} for
     * the process environment), and logs one INFO line saying which and why.
     *
     * @throws SessionConfigurationException when no provider of that name is on the class path,
     *     the choice is ambiguous, or the provider rejects its settings
     * @throws StoreUnavailableException when the store cannot be reached
     */
    public static SessionStore open(SessionSettings settings, EnvironmentVariables environment, Clock clock) {
        Selection selection = select(settings, environment);
        SessionStore store = selection.provider().open(StoreContext.of(settings, environment, clock));
        LOG.info("sessionkit: using the {} session store ({})", selection.provider().name(), selection.reason());
        return store;
    }

    /**
     * Chooses the provider without opening anything.
     *
     * @throws SessionConfigurationException as {@link #open}
     */
    public static Selection select(SessionSettings settings, EnvironmentVariables environment) {
        List<StoreProvider> providers = providers();
        Map<String, StoreProvider> byName = byName(providers);
        String wanted = settings.store();
        if (!SessionSettings.AUTO_STORE.equals(wanted)) {
            StoreProvider provider = byName.get(wanted);
            if (provider == null) {
                throw new SessionConfigurationException(SessionSettings.SESSION_STORE, SessionSettings.SESSION_STORE + "="
                        + wanted + " names no store on the class path" + missingModule(wanted) + "; stores found: "
                        + names(byName));
            }
            return new Selection(provider, SessionSettings.SESSION_STORE + "=" + wanted);
        }
        List<StoreProvider> claimants = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (StoreProvider provider : providers) {
            Optional<String> reason = provider.recognises(environment);
            if (reason.isPresent()) {
                claimants.add(provider);
                reasons.add(reason.get());
            }
        }
        if (claimants.size() > 1) {
            List<String> which = new ArrayList<>();
            for (int i = 0; i < claimants.size(); i++) {
                which.add(claimants.get(i).name() + " (" + reasons.get(i) + ")");
            }
            throw new SessionConfigurationException(SessionSettings.SESSION_STORE, SessionSettings.SESSION_STORE
                    + "=auto is ambiguous: " + String.join(" and ", which) + " both apply; set "
                    + SessionSettings.SESSION_STORE + " to one of them");
        }
        if (claimants.size() == 1) {
            return new Selection(claimants.get(0), SessionSettings.SESSION_STORE + "=auto and " + reasons.get(0));
        }
        if (environment.isSet("DATABASE_URL")) {
            String hint = byName.containsKey("postgres") ? "the postgres store accepts postgres://, postgresql:// and"
                    + " jdbc:postgresql: URLs (value not shown, it may hold a password)"
                    : "add the dev.sessionkit:session-postgres dependency for a PostgreSQL database";
            throw new SessionConfigurationException("DATABASE_URL", "DATABASE_URL is set but no store on the class path"
                    + " accepts it: " + hint);
        }
        if (settings.isProduction()) {
            throw new SessionConfigurationException("DATABASE_URL", SessionSettings.APP_ENV + "=production needs a"
                    + " database: set DATABASE_URL (postgres://user:pass@host:5432/db) for the postgres store, or set "
                    + SessionSettings.SESSION_STORE + " to a store's name; " + SessionSettings.SESSION_STORE
                    + "=memory chooses the in-memory store explicitly (sessions are then lost on restart and not"
                    + " shared between instances)");
        }
        StoreProvider memory = byName.get(MEMORY);
        if (memory == null) {
            throw new SessionConfigurationException(SessionSettings.SESSION_STORE, SessionSettings.SESSION_STORE
                    + "=auto found no configured store and the memory store is not on the class path: add the"
                    + " dev.sessionkit:session-memory dependency or set " + SessionSettings.SESSION_STORE
                    + "; stores found: " + names(byName));
        }
        return new Selection(memory, SessionSettings.SESSION_STORE + "=auto and no store recognises the environment");
    }

    /**
     * Every provider on the class path, through the context class loader first so containers and
     * tests decide what is visible.
     *
     * @throws SessionConfigurationException when a provider has an invalid or duplicate name
     */
    public static List<StoreProvider> providers() {
        List<StoreProvider> providers = new ArrayList<>();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        ServiceLoader.load(StoreProvider.class, loader != null ? loader : SessionStores.class.getClassLoader())
                .forEach(providers::add);
        byName(providers);
        return List.copyOf(providers);
    }

    /** The provider {@code name} (or an alias) selects, if it is on the class path. */
    public static Optional<StoreProvider> find(String name) {
        return Optional.ofNullable(byName(providers()).get(name == null ? null : name.trim().toLowerCase(Locale.ROOT)));
    }

    private static Map<String, StoreProvider> byName(List<StoreProvider> providers) {
        Map<String, StoreProvider> byName = new LinkedHashMap<>();
        for (StoreProvider provider : providers) {
            List<String> names = new ArrayList<>();
            names.add(provider.name());
            names.addAll(provider.aliases());
            for (String name : names) {
                if (name == null || !NAME.matcher(name).matches() || RESERVED.contains(name)) {
                    throw new SessionConfigurationException(SessionSettings.SESSION_STORE, "the store provider "
                            + provider.getClass().getName() + " has an unusable name '" + name + "': names are lower"
                            + " case letters, digits and -, start with a letter, and are not one of " + new TreeSet<>(RESERVED));
                }
                StoreProvider other = byName.putIfAbsent(name, provider);
                if (other != null && other.getClass() != provider.getClass()) {
                    throw new SessionConfigurationException(SessionSettings.SESSION_STORE, "two store providers are"
                            + " named '" + name + "': " + other.getClass().getName() + " and " + provider.getClass().getName());
                }
            }
        }
        return byName;
    }

    private static String names(Map<String, StoreProvider> byName) {
        return byName.isEmpty() ? "none" : String.join(", ", new TreeSet<>(byName.keySet()));
    }

    private static String missingModule(String name) {
        String module = KNOWN_MODULES.get(name);
        return module == null ? "" : " (add the dev.sessionkit:" + module + " dependency)";
    }
}
