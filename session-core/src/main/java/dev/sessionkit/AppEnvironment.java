package dev.sessionkit;

import java.util.Locale;

/** The value of {@code APP_ENV}: development is forgiving and says so; production is strict. */
public enum AppEnvironment {
    /** Zero setup: memory store, generated secret, cookies follow the request scheme. */
    DEVELOPMENT,
    /** A database and a secret are required; cookies are always {@code Secure}. */
    PRODUCTION;

    static AppEnvironment parse(String setting, String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "development", "dev" -> {
                return DEVELOPMENT;
            }
            case "production", "prod" -> {
                return PRODUCTION;
            }
            default -> throw new SessionConfigurationException(setting,
                    setting + " must be 'development' or 'production', not '" + text + "'");
        }
    }
}
