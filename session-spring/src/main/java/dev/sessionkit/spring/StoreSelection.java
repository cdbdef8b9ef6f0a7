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
 * pool is then reused), else memory. An application that builds its {@code DataSource} bean by
 * hand sets {@code sessionkit.store=postgres}.
 *
 * @param name                the selected store's name; null when {@code auto} is ambiguous or a
 *                            name is unreadable, which the core then reports
 * @param reason              why, for logs and condition reports
 * @param viaSpringDataSource true when {@code auto} chose postgres only because of {@code spring.datasource.url}
 */
record StoreSelection(String name, String reason, boolean viaSpringDataSource) {

    static final String POSTGRES = "postgres";
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
        if (springUrl != null && springUrl.trim().startsWith("jdbc:postgresql:") && find(POSTGRES).isPresent()) {
            return new StoreSelection(POSTGRES, "store auto and " + SPRING_DATASOURCE_URL + " is PostgreSQL", true);
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
