package dev.sessionkit.memory;

import dev.sessionkit.EnvironmentVariables;
import dev.sessionkit.SessionConfigurationException;
import dev.sessionkit.StoreSetting;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The in-memory store's settings. Built with {@link #builder()} or read with
 * {@link #fromEnvironment(Map)}; a bad value fails with a {@link SessionConfigurationException}
 * naming its variable. Immutable.
 */
public final class MemoryStoreSettings {

    /**
     * How many anonymous sessions the store holds before it evicts the least recently used of them;
     * signed-in sessions do not count and are never evicted for room. Default 100,000.
     */
    public static final String SESSION_MEMORY_MAX_SESSIONS = "SESSION_MEMORY_MAX_SESSIONS";

    /** The default of {@code SESSION_MEMORY_MAX_SESSIONS}. */
    public static final long DEFAULT_MAX_SESSIONS = CaffeineSessionStore.Builder.DEFAULT_MAXIMUM_SIZE;

    /** Every setting, for adapters ({@code sessionkit.memory.<property>} in Spring Boot). */
    public static final List<StoreSetting> SETTINGS = List.of(StoreSetting.of(SESSION_MEMORY_MAX_SESSIONS,
            "max-sessions", "how many anonymous sessions the store holds before it evicts the least recently used"
                    + " of them (signed-in sessions are never evicted for room)"));

    private final long maxSessions;

    private MemoryStoreSettings(Builder b) {
        this.maxSessions = b.maxSessions;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static MemoryStoreSettings defaults() {
        return builder().build();
    }

    /**
     * Reads {@code SESSION_MEMORY_MAX_SESSIONS} from {@code env}; unset or blank keeps the default.
     *
     * @throws SessionConfigurationException when it is invalid
     */
    public static MemoryStoreSettings fromEnvironment(Map<String, String> env) {
        return builder().applyEnvironment(EnvironmentVariables.of(env)).build();
    }

    /** As {@link #fromEnvironment(Map)}. */
    public static MemoryStoreSettings fromEnvironment(EnvironmentVariables env) {
        return builder().applyEnvironment(env).build();
    }

    /** {@code SESSION_MEMORY_MAX_SESSIONS}: the store's capacity. */
    public long maxSessions() {
        return maxSessions;
    }

    @Override
    public String toString() {
        return "MemoryStoreSettings[maxSessions=" + maxSessions + "]";
    }

    /** Builds {@link MemoryStoreSettings}. Not thread-safe. */
    public static final class Builder {

        private long maxSessions = DEFAULT_MAX_SESSIONS;

        private Builder() {
        }

        /** Applies {@code SESSION_MEMORY_MAX_SESSIONS} when {@code env} sets it. */
        public Builder applyEnvironment(EnvironmentVariables env) {
            Objects.requireNonNull(env, "env").ifLong(SESSION_MEMORY_MAX_SESSIONS, 1, Long.MAX_VALUE, this::maxSessions);
            return this;
        }

        /** {@code SESSION_MEMORY_MAX_SESSIONS}; default 100,000. */
        public Builder maxSessions(long value) {
            if (value < 1) {
                throw new SessionConfigurationException(SESSION_MEMORY_MAX_SESSIONS,
                        SESSION_MEMORY_MAX_SESSIONS + " must be at least 1, not " + value);
            }
            this.maxSessions = value;
            return this;
        }

        /** The settings. */
        public MemoryStoreSettings build() {
            return new MemoryStoreSettings(this);
        }
    }
}
