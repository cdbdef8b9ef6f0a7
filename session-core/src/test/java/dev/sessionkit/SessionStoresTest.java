package dev.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Selection by name against three providers this test registers in
 * {@code META-INF/services/dev.sessionkit.StoreProvider}: {@code alpha} claims {@code ALPHA_URL},
 * {@code beta} (alias {@code b}) claims {@code BETA_URL}, and a stand-in {@code memory}.
 */
class SessionStoresTest {

    private static final String SECRET = "s3cr3t-that-is-long-enough-for-production-use-0123";

    /** Claims ALPHA_URL; opens a store whose name carries ALPHA_LABEL, so the test sees what it read. */
    public static final class Alpha implements StoreProvider {
        @Override
        public String name() {
            return "alpha";
        }

        @Override
        public List<StoreSetting> settings() {
            return List.of(StoreSetting.secret("ALPHA_URL", "url", "where alpha lives"),
                    StoreSetting.of("ALPHA_LABEL", "label", "a label"));
        }

        @Override
        public Optional<String> recognises(EnvironmentVariables environment) {
            return environment.isSet("ALPHA_URL") ? Optional.of("ALPHA_URL is set") : Optional.empty();
        }

        @Override
        public SessionStore open(StoreContext context) {
            String label = context.environment().get("ALPHA_LABEL");
            return new NamedStore("alpha:" + (label == null ? "-" : label));
        }
    }

    /** Claims BETA_URL, also answers to {@code b}. */
    public static final class Beta implements StoreProvider {
        @Override
        public String name() {
            return "beta";
        }

        @Override
        public List<String> aliases() {
            return List.of("b");
        }

        @Override
        public Optional<String> recognises(EnvironmentVariables environment) {
            return environment.isSet("BETA_URL") ? Optional.of("BETA_URL is set") : Optional.empty();
        }

        @Override
        public SessionStore open(StoreContext context) {
            return new NamedStore("beta");
        }
    }

    /** The fallback of auto. */
    public static final class Memory implements StoreProvider {
        @Override
        public String name() {
            return "memory";
        }

        @Override
        public SessionStore open(StoreContext context) {
            return new NamedStore("memory");
        }
    }

    private static final class NamedStore extends RecordingStore {
        private final String name;

        NamedStore(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }
    }

    private static String open(Map<String, String> env) {
        SessionSettings settings = SessionSettings.fromEnvironment(env);
        try (SessionStore store = SessionStores.open(settings, EnvironmentVariables.of(env), Clock.systemUTC())) {
            return store.name();
        }
    }

    private static SessionConfigurationException fails(Map<String, String> env) {
        Throwable thrown = catchThrowable(() -> open(env));
        assertThat(thrown).isInstanceOf(SessionConfigurationException.class);
        return (SessionConfigurationException) thrown;
    }

    @Test
    void aStoreIsSelectedByItsNameAndReadsItsOwnSettings() {
        assertThat(open(Map.of("SESSION_STORE", "alpha", "ALPHA_LABEL", "blue"))).isEqualTo("alpha:blue");
        assertThat(open(Map.of("SESSION_STORE", "ALPHA"))).isEqualTo("alpha:-");
    }

    @Test
    void anAliasSelectsItsProvider() {
        assertThat(open(Map.of("SESSION_STORE", "b"))).isEqualTo("beta");
        assertThat(SessionStores.find("b")).get().extracting(StoreProvider::name).isEqualTo("beta");
    }

    @Test
    void anUnknownNameFailsListingTheNamesFound() {
        SessionConfigurationException e = fails(Map.of("SESSION_STORE", "gamma"));

        assertThat(e.setting()).isEqualTo("SESSION_STORE");
        assertThat(e.getMessage()).contains("gamma").contains("alpha, b, beta, memory");
    }

    @Test
    void aMissingBuiltInStoreNamesItsModule() {
        assertThat(fails(Map.of("SESSION_STORE", "postgres")).getMessage()).contains("dev.sessionkit:session-postgres");
        assertThat(fails(Map.of("SESSION_STORE", "jdbc")).getMessage()).contains("dev.sessionkit:session-postgres");
    }

    @Test
    void autoPicksTheOneProviderThatRecognisesTheEnvironment() {
        assertThat(open(Map.of("ALPHA_URL", "x://a"))).isEqualTo("alpha:-");
        assertThat(open(Map.of("BETA_URL", "x://b"))).isEqualTo("beta");
        SessionStores.Selection selection = SessionStores.select(SessionSettings.builder().build(),
                EnvironmentVariables.of(Map.of("ALPHA_URL", "x://a")));
        assertThat(selection.reason()).isEqualTo("SESSION_STORE=auto and ALPHA_URL is set");
    }

    @Test
    void autoFallsBackToMemoryWhenNothingIsRecognised() {
        assertThat(open(Map.of())).isEqualTo("memory");
    }

    @Test
    void autoWithTwoClaimsFailsAndAsksForSessionStore() {
        SessionConfigurationException e = fails(Map.of("ALPHA_URL", "x://a", "BETA_URL", "x://b"));

        assertThat(e.setting()).isEqualTo("SESSION_STORE");
        assertThat(e.getMessage()).contains("ambiguous").contains("alpha").contains("beta");
        assertThat(open(Map.of("ALPHA_URL", "x://a", "BETA_URL", "x://b", "SESSION_STORE", "beta"))).isEqualTo("beta");
    }

    @Test
    void aDatabaseUrlNoStoreAcceptsFailsInsteadOfFallingBackToMemory() {
        SessionConfigurationException e = fails(Map.of("DATABASE_URL", "mysql://app:hunter2@db/app"));

        assertThat(e.setting()).isEqualTo("DATABASE_URL");
        assertThat(e.getMessage()).contains("session-postgres").doesNotContain("hunter2").doesNotContain("mysql");
    }

    @Test
    void productionWithoutAConfiguredStoreFailsNamingDatabaseUrl() {
        SessionConfigurationException e = fails(Map.of("APP_ENV", "production", "SESSION_SECRET", SECRET));

        assertThat(e.setting()).isEqualTo("DATABASE_URL");
        assertThat(e.getMessage()).contains("SESSION_STORE=memory");
    }

    @Test
    void productionAcceptsMemoryChosenExplicitlyAndARecognisedStore() {
        assertThat(open(Map.of("APP_ENV", "production", "SESSION_SECRET", SECRET, "SESSION_STORE", "memory")))
                .isEqualTo("memory");
        assertThat(open(Map.of("APP_ENV", "production", "SESSION_SECRET", SECRET, "ALPHA_URL", "x://a")))
                .isEqualTo("alpha:-");
    }

    @Test
    void theManagerReadsTheStoreFromTheSameEnvironment() {
        try (SessionManager manager = SessionManager.fromEnvironment(Map.of("SESSION_STORE", "alpha", "ALPHA_LABEL",
                "green"))) {
            assertThat(manager.store().name()).isEqualTo("alpha:green");
        }
    }

    @Test
    void storeSettingNamesAreChecked() {
        assertThat(catchThrowable(() -> StoreSetting.of("acme_url", "url", "x"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(catchThrowable(() -> StoreSetting.of("ACME_URL", "Url", "x"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(StoreSetting.secret("ACME_URL", "url", "x").secret()).isTrue();
    }
}
