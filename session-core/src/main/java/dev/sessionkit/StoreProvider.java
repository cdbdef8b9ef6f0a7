package dev.sessionkit;

import java.util.List;
import java.util.Optional;

/**
 * Makes one kind of {@link SessionStore}, found by name. A store module lists its provider in
 * {@code META-INF/services/dev.sessionkit.StoreProvider}; {@link SessionStores#open} loads every
 * provider on the class path with {@link java.util.ServiceLoader} and opens the one that
 * {@code SESSION_STORE} names, or, for {@code SESSION_STORE=auto}, the one that
 * {@linkplain #recognises recognises} the environment.
 *
 * <p>A provider owns its store's settings: it reads them from {@link StoreContext#environment()},
 * validates them, and fails with a {@link SessionConfigurationException} naming the variable.
 * It lists them in {@link #settings()} so adapters can map their own configuration onto them.
 *
 * <p>Methods may be added to this interface in later versions, always with a default.
 *
 * @see <a href="https://github.com/sessionkit/sessionkit/blob/main/docs/writing-a-store.md">Writing a store</a>
 */
public interface StoreProvider {

    /**
     * The name {@code SESSION_STORE} selects: lower case letters, digits and {@code -}, starting
     * with a letter, such as {@code memory} or {@code postgres}. {@code auto} is reserved, and so
     * are the names of the Spring starter's own property groups ({@code cookie}, {@code limits},
     * {@code store}).
     */
    String name();

    /** Other names that select this provider, such as {@code jdbc} for {@code postgres}; none by default. */
    default List<String> aliases() {
        return List.of();
    }

    /** The settings this store reads, for adapters and documentation; none by default. */
    default List<StoreSetting> settings() {
        return List.of();
    }

    /**
     * Whether {@code SESSION_STORE=auto} should pick this store for {@code environment}, and why:
     * the PostgreSQL provider recognises a {@code DATABASE_URL} of one of its schemes and returns
     * {@code "DATABASE_URL is set"}. Empty (the default) when it does not claim the environment.
     * When no provider claims it, auto picks {@code memory}; when several do, start-up fails and
     * asks for {@code SESSION_STORE}.
     */
    default Optional<String> recognises(EnvironmentVariables environment) {
        return Optional.empty();
    }

    /**
     * Opens a store. The caller owns it and closes it.
     *
     * @throws SessionConfigurationException when a setting is missing or invalid, naming it
     * @throws StoreUnavailableException when the backend cannot be reached at start-up
     */
    SessionStore open(StoreContext context);
}
