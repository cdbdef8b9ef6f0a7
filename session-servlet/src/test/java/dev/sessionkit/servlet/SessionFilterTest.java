package dev.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.memory.CaffeineSessionStore;
import dev.sessionkit.memory.MemoryStoreSettings;
import jakarta.servlet.http.HttpSessionListener;
import java.time.Clock;
import java.util.EventListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class SessionFilterTest {

    private final SessionSettings settings = SessionSettings.builder()
            .secrets("unit-test-secret-0123456789-abcdefghijklmnop").build();
    private final SessionManager manager = SessionManager.builder().settings(settings)
            .store(CaffeineSessionStore.create(MemoryStoreSettings.defaults(), Clock.systemUTC()), true).sweeper(false).build();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void builderRefusesAListenerThatIsNoSessionListener() {
        EventListener notASessionListener = new EventListener() {
        };

        assertThatThrownBy(() -> SessionFilter.builder(manager).listener(notASessionListener))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HttpSessionListener");
    }

    @Test
    void builderRefusesASecondStoreUnavailableHandler() {
        SessionFilter.Builder builder = SessionFilter.builder(manager).onStoreUnavailable(StoreUnavailableHandler.plainText());

        assertThatThrownBy(() -> builder.onStoreUnavailable(StoreUnavailableHandler.json()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void builderAcceptsEachKindOfSessionListener() {
        SessionFilter filter = SessionFilter.builder(manager).listener(new HttpSessionListener() {
        }).listener(new RecordingListener()).build();

        assertThat(filter.manager()).isSameAs(manager);
        assertThat(filter).hasToString("SessionFilter[store=memory]");
    }
}
