package dev.sessionkit.servlet;

import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import dev.sessionkit.memory.CaffeineSessionStore;
import java.time.Clock;

/** Opens the store a contract test runs on. */
interface StoreKit extends AutoCloseable {

    SessionStore open(SessionSettings settings, Clock clock) throws Exception;

    @Override
    default void close() throws Exception {
    }

    /** The Caffeine store. */
    static StoreKit memory() {
        return new StoreKit() {
            @Override
            public SessionStore open(SessionSettings settings, Clock clock) {
                return CaffeineSessionStore.create(settings, clock);
            }

            @Override
            public String toString() {
                return "memory";
            }
        };
    }
}
