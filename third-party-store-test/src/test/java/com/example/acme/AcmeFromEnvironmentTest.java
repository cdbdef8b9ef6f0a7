package com.example.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sessionkit.CommitResult;
import dev.sessionkit.EnvironmentVariables;
import dev.sessionkit.RequestInfo;
import dev.sessionkit.SessionConfigurationException;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import dev.sessionkit.SessionStores;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The store is chosen and configured by environment variables alone. Surefire gives this JVM
 * {@code SESSION_STORE=acme}, {@code ACME_URL=acme://from-the-environment},
 * {@code ACME_MAX_SESSIONS=3} and {@code SESSION_TTL=30m} (see this module's POM), as an operator
 * would; the code below names no store class.
 */
final class AcmeFromEnvironmentTest {

    @Test
    void theProcessEnvironmentSelectsAndConfiguresTheStore() {
        assertThat(System.getenv("SESSION_STORE")).as("set by surefire").isEqualTo("acme");

        try (SessionManager manager = SessionManager.fromEnvironment()) {
            SessionStore store = manager.store();
            assertThat(store.name()).isEqualTo("acme");
            assertThat(((AcmeSessionStore) store).maxSessions()).isEqualTo(3);
            assertThat(manager.settings().ttl()).isEqualTo(Duration.ofMinutes(30));

            SessionContext first = manager.resolve(RequestInfo.ofCookie(null));
            first.getOrCreate().set("cart", 2);
            CommitResult created = manager.commit(first);
            String cookie = created.setCookie().orElseThrow().split(";", 2)[0];

            SessionContext second = manager.resolve(RequestInfo.ofCookie(cookie));
            assertThat(second.session().orElseThrow().get("cart", Integer.class)).contains(2);
        }
        // a second manager on the same environment is a restarted instance: the namespace kept the session
        try (SessionManager restarted = SessionManager.fromEnvironment()) {
            assertThat(restarted.store().stats(Clock.systemUTC().instant()).active()).isEqualTo(1);
        }
    }

    @Test
    void autoRecognisesAnAcmeUrl() {
        Map<String, String> env = Map.of("ACME_URL", "acme://auto-chosen");

        SessionStores.Selection selection = SessionStores.select(SessionSettings.fromEnvironment(env),
                EnvironmentVariables.of(env));

        assertThat(selection.provider()).isInstanceOf(AcmeStoreProvider.class);
        assertThat(selection.reason()).isEqualTo("SESSION_STORE=auto and ACME_URL is set");
    }

    @Test
    void badOrMissingSettingsFailNamingTheVariable() {
        assertThat(failure(Map.of("SESSION_STORE", "acme")).setting()).isEqualTo("ACME_URL");
        assertThat(failure(Map.of("SESSION_STORE", "acme", "ACME_URL", "redis://x")).setting()).isEqualTo("ACME_URL");
        SessionConfigurationException tooMany = failure(Map.of("SESSION_STORE", "acme", "ACME_URL", "acme://x",
                "ACME_MAX_SESSIONS", "lots"));
        assertThat(tooMany.setting()).isEqualTo("ACME_MAX_SESSIONS");
        assertThat(tooMany.getMessage()).contains("whole number from 1 to 1000000");
    }

    @Test
    void anUnknownStoreNameListsTheStoresFound() {
        SessionConfigurationException e = failure(Map.of("SESSION_STORE", "acme2"));

        assertThat(e.setting()).isEqualTo("SESSION_STORE");
        assertThat(e.getMessage()).contains("stores found: acme");
    }

    private static SessionConfigurationException failure(Map<String, String> env) {
        Throwable thrown = catchThrowable(() -> SessionManager.fromEnvironment(env).close());
        assertThat(thrown).isInstanceOf(SessionConfigurationException.class);
        return (SessionConfigurationException) thrown;
    }
}
