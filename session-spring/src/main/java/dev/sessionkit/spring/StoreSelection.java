package dev.sessionkit.spring;

import dev.sessionkit.SessionSettings;
import dev.sessionkit.StoreKind;
import java.util.Locale;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Which store the environment selects, decided before any bean exists so that the store
 * configurations can be switched on by a condition. The same answer feeds the settings, so the
 * condition and the settings never disagree.
 *
 * <p>{@code auto} picks the PostgreSQL store when a database URL is set
 * ({@code sessionkit.database-url} or {@code DATABASE_URL}) or when {@code spring.datasource.url}
 * is a PostgreSQL URL (the application's own pool is then reused). An application that builds its
 * {@code DataSource} bean by hand sets {@code sessionkit.store=jdbc}.
 *
 * @param kind                  the store, never {@link StoreKind#AUTO}; an unreadable
 *                              {@code SESSION_STORE} counts as auto here and is reported by the
 *                              settings
 * @param reason                why, for logs and condition reports
 * @param viaSpringDataSource   true when {@code auto} chose JDBC only because of {@code spring.datasource.url}
 */
record StoreSelection(StoreKind kind, String reason, boolean viaSpringDataSource) {

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
        StoreKind configured = parse(store);
        if (configured != StoreKind.AUTO) {
            return new StoreSelection(configured, source + "=" + store.trim().toLowerCase(Locale.ROOT), false);
        }
        if (!isBlank(binder.bind(DATABASE_URL_PROPERTY, String.class).orElse(null))) {
            return new StoreSelection(StoreKind.JDBC, "store auto and " + DATABASE_URL_PROPERTY + " is set", false);
        }
        if (!isBlank(environment.getProperty(SessionSettings.DATABASE_URL))) {
            return new StoreSelection(StoreKind.JDBC, "store auto and " + SessionSettings.DATABASE_URL + " is set", false);
        }
        String springUrl = environment.getProperty(SPRING_DATASOURCE_URL);
        if (springUrl != null && springUrl.trim().startsWith("jdbc:postgresql:")) {
            return new StoreSelection(StoreKind.JDBC, "store auto and " + SPRING_DATASOURCE_URL + " is PostgreSQL", true);
        }
        return new StoreSelection(StoreKind.MEMORY, "store auto and no database is configured", false);
    }

    private static StoreKind parse(String text) {
        if (isBlank(text)) {
            return StoreKind.AUTO;
        }
        for (StoreKind kind : StoreKind.values()) {
            if (kind.name().equalsIgnoreCase(text.trim())) {
                return kind;
            }
        }
        return StoreKind.AUTO;
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }
}
