package dev.sessionkit.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sessionkit.EnvironmentVariables;
import dev.sessionkit.SessionConfigurationException;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import dev.sessionkit.SessionStores;
import dev.sessionkit.StoreContext;
import dev.sessionkit.StoreProvider;
import dev.sessionkit.testkit.MutableClock;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

final class MemoryStoreProviderTest {

    private final MutableClock clock = MutableClock.create();

    @Test
    void serviceLoaderFindsTheMemoryProvider() {
        assertThat(ServiceLoader.load(StoreProvider.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(provider -> {
                    assertThat(provider).isInstanceOf(MemoryStoreProvider.class);
                    assertThat(provider.name()).isEqualTo("memory");
                    assertThat(provider.settings()).extracting(s -> s.variable())
                            .containsExactly(MemoryStoreSettings.SESSION_MEMORY_MAX_SESSIONS);
                });
    }

    @Test
    void providerOpensStoreSizedByItsVariable() {
        StoreContext context = StoreContext.of(SessionSettings.builder().build(),
                EnvironmentVariables.of(Map.of(MemoryStoreSettings.SESSION_MEMORY_MAX_SESSIONS, " 3 ")), clock);

        try (SessionStore store = new MemoryStoreProvider().open(context)) {
            assertThat(store).isInstanceOf(CaffeineSessionStore.class)
                    .hasToString("CaffeineSessionStore[maximumSize=3, closed=false]");
        }
    }

    private static final String PRODUCTION_WARNING = "APP_ENV=production on the memory session store";

    /** What the store's loggers write to standard error (slf4j-simple, WARN and above in the tests) while {@code work} runs. */
    private static String stderrOf(Runnable work) {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            work.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void productionOnTheMemoryStoreWarnsOnceWhatItDoesNotGive() {
        SessionSettings production = SessionSettings.builder().environment(dev.sessionkit.AppEnvironment.PRODUCTION)
                .secrets("production-secret-0123456789abcdef-0123456789").store("memory").build();
        StoreContext context = StoreContext.of(production,
                EnvironmentVariables.of(Map.of(MemoryStoreSettings.SESSION_MEMORY_MAX_SESSIONS, "500")), clock);

        String log = stderrOf(() -> new MemoryStoreProvider().open(context).close());

        assertThat(log.split(PRODUCTION_WARNING, -1)).as("one WARN line: %s", log).hasSize(2);
        assertThat(log).contains("WARN").contains("not shared with other instances")
                .contains("do not survive a restart").contains("at most 500 anonymous")
                .contains("SESSION_MEMORY_MAX_SESSIONS").contains("postgres");
    }

    @Test
    void developmentOnTheMemoryStoreDoesNotWarn() {
        StoreContext context = StoreContext.of(SessionSettings.builder().build(), EnvironmentVariables.empty(), clock);

        String log = stderrOf(() -> new MemoryStoreProvider().open(context).close());

        assertThat(log).doesNotContain(PRODUCTION_WARNING);
    }

    @Test
    void sessionStoresOpensMemoryStoreWhenMemoryIsSelected() {
        SessionSettings settings = SessionSettings.builder().store("memory").build();

        try (SessionStore store = SessionStores.open(settings, EnvironmentVariables.empty(), clock)) {
            assertThat(store.name()).isEqualTo("memory");
            store.ping();
        }
    }

    @Test
    void settingsDefaultAndValidate() {
        assertThat(MemoryStoreSettings.defaults().maxSessions()).isEqualTo(100_000);
        assertThat(MemoryStoreSettings.fromEnvironment(Map.of("SESSION_MEMORY_MAX_SESSIONS", "5000000")).maxSessions())
                .isEqualTo(5_000_000L);
        for (String bad : new String[] {"0", "-5", "lots", "1e6", "99999999999999999999"}) {
            Throwable thrown = catchThrowable(
                    () -> MemoryStoreSettings.fromEnvironment(Map.of("SESSION_MEMORY_MAX_SESSIONS", bad)));
            assertThat(thrown).as(bad).isInstanceOfSatisfying(SessionConfigurationException.class, e -> {
                assertThat(e.setting()).isEqualTo("SESSION_MEMORY_MAX_SESSIONS");
                assertThat(e.getMessage()).contains("whole number from 1");
            });
        }
    }
}
