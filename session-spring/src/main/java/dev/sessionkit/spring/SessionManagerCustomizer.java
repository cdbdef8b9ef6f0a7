package dev.sessionkit.spring;

import dev.sessionkit.SessionManager;

/**
 * Customises the {@link SessionManager} that the auto-configuration builds: add a listener, set a
 * clock, switch the sweeper off. Declare one or more as beans; they run in {@code @Order} order,
 * after the settings, the store and every {@link dev.sessionkit.SessionListener} bean have been
 * handed to the builder.
 *
 * <p>To change a setting, use the {@code sessionkit.*} properties (or define a
 * {@link dev.sessionkit.SessionSettings} bean); to replace the store, define a
 * {@link dev.sessionkit.SessionStore} bean.
 */
@FunctionalInterface
public interface SessionManagerCustomizer {

    /**
     * Changes {@code builder} before the manager is built.
     *
     * @param builder the manager's builder; settings and store are already set and cannot be
     *     set again
     */
    void customize(SessionManager.Builder builder);
}
