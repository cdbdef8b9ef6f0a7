package dev.sessionkit.servlet;

import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import java.time.Clock;

/** Opens the store a contract test runs on. */
interface StoreKit extends AutoCloseable {

    SessionStore open(SessionSettings settings, Clock clock) throws Exception;

    @Override
    default void close() throws Exception {
    }

    /** The in-memory store. */
    static StoreKit memory() {
        return new StoreKit() {
            @Override
            public SessionStore open(SessionSettings settings, Clock clock) {
                return new MapSessionStore();
            }

            @Override
            public String toString() {
                return "memory";
            }
        };
    }
}
