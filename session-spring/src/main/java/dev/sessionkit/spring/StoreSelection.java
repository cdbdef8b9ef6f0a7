package dev.sessionkit.spring;

import dev.sessionkit.EnvironmentVariables;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStores;
import dev.sessionkit.StoreProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Which store the environment selects, decided before any bean exists so that the store
 * configurations can be switched on by a condition. The same answer feeds the settings, so the
 * condition and the settings never disagree.
 *
 * <p>{@code auto} picks the store that recognises the store settings (the postgres store
 * recognises a PostgreSQL {@code sessionkit.database-url} or {@code DATABASE_URL}), else the
 * postgres store when {@code spring.datasource.url} is a PostgreSQL URL (the application's own
 * pool is then reused), else the redis store when {@code spring.data.redis.url},
 * {@code spring.data.redis.host} or {@code spring.data.redis.cluster.nodes} is set (the
 * application's Lettuce client is then reused), else memory. Both Spring configurations with both
 * stores on the class path is ambiguous, as is a {@code REDIS_URL} with a PostgreSQL
 * {@code DATABASE_URL}: the application sets {@code sessionkit.store}. An application that builds
 * its {@code DataSource} or connection factory bean by hand sets {@code sessionkit.store} too.
 *
 * @param name                the selected store's name; null when {@code auto} is ambiguous or a
 *                            name is unreadable, which the core then reports
 * @param reason              why, for logs and condition reports
 * @param viaSpring           true when {@code auto} chose the store only because of Spring's own
 *                            configuration ({@code spring.datasource.url}, {@code spring.data.redis.*})
 */
record StoreSelection(String name, String reason, boolean viaSpring) {

    static final String POSTGRES = "postgres";
    static final String REDIS = "redis";
    static final List<String> SPRING_REDIS = List.of("spring.data.redis.url", "spring.data.redis.host",
            "spring.data.redis.cluster.nodes");
    static final String DATABASE_URL = "DATABASE_URL";
    static final String STORE_PROPERTY = "sessionkit.store";
    static final String DATABASE_URL_PROPERTY = "sessionkit.database-url";
    static final String SPRING_DATASOURCE_URL = "spring.datasource.url";

    static StoreSelection of(Environment environment) {
        Binder binder = Binder.get(environment);
        String store = binder.bind(STORE_PROPERTY, String.class).orElse(null);
        String source = STORE_PROPERTY;
        if (isBlank(store)) {
            store = environment.getProperty(SessionSettings.SESSION_STORE);
            source = SessionSettings.SESSION_STORE;
        }
        String configured = isBlank(store) ? SessionSettings.AUTO_STORE : store.trim().toLowerCase(Locale.ROOT);
        if (!SessionSettings.AUTO_STORE.equals(configured)) {
            String name = find(configured).map(StoreProvider::name).orElse(configured);
            return new StoreSelection(name, source + "=" + configured, false);
        }
        EnvironmentVariables variables = SettingsMapping.storeEnvironment(null, environment);
        List<String> claims = new ArrayList<>();
        String reason = null;
        for (StoreProvider provider : providers()) {
            Optional<String> why = provider.recognises(variables);
            if (why.isPresent()) {
                claims.add(provider.name());
                reason = why.get();
            }
        }
        if (claims.size() == 1) {
            return new StoreSelection(claims.get(0), "store auto and " + reason, false);
        }
        if (claims.size() > 1) {
            return new StoreSelection(null, "store auto is ambiguous: " + claims, false);
        }
        String springUrl = environment.getProperty(SPRING_DATASOURCE_URL);
        boolean springPostgres = springUrl != null && springUrl.trim().startsWith("jdbc:postgresql:")
                && find(POSTGRES).isPresent();
        String springRedis = SPRING_REDIS.stream().filter(p -> !isBlank(environment.getProperty(p))).findFirst()
                .filter(p -> find(REDIS).isPresent()).orElse(null);
        if (springPostgres && springRedis != null) {
            return new StoreSelection(null, "store auto is ambiguous: " + SPRING_DATASOURCE_URL + " is PostgreSQL and "
                    + springRedis + " is set; set " + STORE_PROPERTY, false);
        }
        if (springPostgres) {
            return new StoreSelection(POSTGRES, "store auto and " + SPRING_DATASOURCE_URL + " is PostgreSQL", true);
        }
        if (springRedis != null) {
            return new StoreSelection(REDIS, "store auto and " + springRedis + " is set", true);
        }
        return new StoreSelection(SessionStores.MEMORY, "store auto and no database is configured", false);
    }

    private static List<StoreProvider> providers() {
        try {
            return SessionStores.providers();
        } catch (RuntimeException e) {
            // reported with its message when the store is opened
            return List.of();
        }
    }

    private static Optional<StoreProvider> find(String name) {
        try {
            return SessionStores.find(name);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }
}
