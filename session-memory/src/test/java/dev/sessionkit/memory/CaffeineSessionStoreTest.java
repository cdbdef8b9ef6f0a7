package dev.sessionkit.memory;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionStore;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.SessionStoreContract;

/** The memory store against the store contract. */
final class CaffeineSessionStoreTest extends SessionStoreContract {

    @Override
    protected SessionStore newStore(MutableClock clock) {
        return CaffeineSessionStore.builder().clock(clock).build();
    }

    @Override
    protected void corrupt(SessionStore store, LookupKey key) {
        ((CaffeineSessionStore) store).corrupt(key, "[1, 2, 3]");
    }
}
