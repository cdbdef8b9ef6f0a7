package dev.sessionkit.memory;

import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import dev.sessionkit.StoreKind;
import dev.sessionkit.StoreProvider;
import java.time.Clock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a {@link CaffeineSessionStore} for {@link StoreKind#MEMORY}; registered for
 * {@link java.util.ServiceLoader} in {@code META-INF/services/dev.sessionkit.StoreProvider}.
 * Public only because {@code ServiceLoader} needs it to be; applications do not call it.
 */
public final class MemoryStoreProvider implements StoreProvider {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryStoreProvider.class);

    /** Called by {@link java.util.ServiceLoader}. */
    public MemoryStoreProvider() {
    }

    @Override
    public StoreKind kind() {
        return StoreKind.MEMORY;
    }

    @Override
    public SessionStore open(SessionSettings settings, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        CaffeineSessionStore store = CaffeineSessionStore.create(settings, clock);
        LOG.info("sessionkit: memory session store opened, at most {} sessions; sessions live in this JVM only and"
                + " are lost on restart", settings.memoryMaxSessions());
        return store;
    }
}
