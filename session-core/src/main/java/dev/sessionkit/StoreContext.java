package dev.sessionkit;

import java.time.Clock;
import java.util.Objects;

/**
 * What a {@link StoreProvider} gets to open its store: the engine's settings, the variables to
 * read its own settings from, and the clock. New accessors may be added in later versions.
 */
public final class StoreContext {

    private final SessionSettings settings;
    private final EnvironmentVariables environment;
    private final Clock clock;

    private StoreContext(SessionSettings settings, EnvironmentVariables environment, Clock clock) {
        this.settings = settings;
        this.environment = environment;
        this.clock = clock;
    }

    /** A context; adapters and tests make one, providers only read it. */
    public static StoreContext of(SessionSettings settings, EnvironmentVariables environment, Clock clock) {
        return new StoreContext(Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(environment, "environment"), Objects.requireNonNull(clock, "clock"));
    }

    /** The engine's settings, for rules that depend on them (such as {@link SessionSettings#isProduction()}). */
    public SessionSettings settings() {
        return settings;
    }

    /** Where the store reads its own settings: the process environment, or what an adapter mapped. */
    public EnvironmentVariables environment() {
        return environment;
    }

    /** The clock the manager uses; stores that keep time use it too. */
    public Clock clock() {
        return clock;
    }
}
