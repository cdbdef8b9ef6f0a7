package dev.sessionkit.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import dev.sessionkit.SessionStores;
import dev.sessionkit.StoreKind;
import dev.sessionkit.StoreProvider;
import dev.sessionkit.testkit.MutableClock;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

final class MemoryStoreProviderTest {

    private final MutableClock clock = MutableClock.create();

    @Test
    void serviceLoaderFindsTheMemoryProvider() {
        assertThat(ServiceLoader.load(StoreProvider.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(provider -> {
                    assertThat(provider).isInstanceOf(MemoryStoreProvider.class);
                    assertThat(provider.kind()).isEqualTo(StoreKind.MEMORY);
                });
    }

    @Test
    void providerOpensStoreSizedBySettings() {
        SessionSettings settings = SessionSettings.builder().memoryMaxSessions(3).build();

        try (SessionStore store = new MemoryStoreProvider().open(settings, clock)) {
            assertThat(store).isInstanceOf(CaffeineSessionStore.class)
                    .hasToString("CaffeineSessionStore[maximumSize=3, closed=false]");
        }
    }

    @Test
    void sessionStoresOpensMemoryStoreWhenMemoryIsSelected() {
        SessionSettings settings = SessionSettings.builder().store(StoreKind.MEMORY).build();

        try (SessionStore store = SessionStores.open(settings, clock)) {
            assertThat(store.name()).isEqualTo("memory");
            store.ping();
        }
    }
}
