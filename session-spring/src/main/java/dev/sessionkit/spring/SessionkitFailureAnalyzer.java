package dev.sessionkit.spring;

import dev.sessionkit.SessionConfigurationException;
import dev.sessionkit.SessionSettings;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link SessionConfigurationException} at start-up into Boot's "APPLICATION FAILED TO
 * START" report: what is wrong (the core's message, which names the setting) and what to set, in
 * both spellings an application may use (the variable and the {@code sessionkit.*} property).
 */
final class SessionkitFailureAnalyzer extends AbstractFailureAnalyzer<SessionConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SessionConfigurationException cause) {
        String description = "sessionkit is misconfigured: " + cause.getMessage();
        return new FailureAnalysis(description, action(cause.setting()), cause);
    }

    private static String action(String setting) {
        if (StoreSelection.DATABASE_URL.equals(setting)) {
            return "Production runs on PostgreSQL. Set the DATABASE_URL environment variable"
                    + " (postgres://user:pass@host:5432/db), or sessionkit.database-url, or point spring.datasource.url"
                    + " at PostgreSQL (its pool is reused). An application that defines its own DataSource bean sets"
                    + " sessionkit.store=postgres. To run on the in-memory store on purpose (sessions are lost on restart"
                    + " and not shared between instances), set sessionkit.store=memory or SESSION_STORE=memory.";
        }
        if (SessionSettings.SESSION_SECRET.equals(setting)) {
            return "Set the SESSION_SECRET environment variable (or sessionkit.secrets) to at least "
                    + SessionSettings.MIN_SECRET_BYTES + " bytes of random text, for example the output of"
                    + " `openssl rand -base64 48`. Several secrets, comma-separated: the first signs, all verify.";
        }
        return SettingsMapping.propertyFor(setting)
                .map(property -> "Correct the " + setting + " environment variable or the " + property
                        + " property (the property wins when both are set).")
                .orElse("Correct the sessionkit configuration named above.");
    }
}
