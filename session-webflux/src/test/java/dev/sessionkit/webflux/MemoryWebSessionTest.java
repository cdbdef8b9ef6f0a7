package dev.sessionkit.webflux;

import dev.sessionkit.SessionStore;
import dev.sessionkit.memory.CaffeineSessionStore;
import dev.sessionkit.memory.MemoryStoreSettings;
import dev.sessionkit.testkit.MutableClock;

/** The WebFlux contract on the memory store, whose calls run inline on the event loop. */
final class MemoryWebSessionTest extends WebSessionContract {

    @Override
    protected SessionStore openStore(MutableClock clock) {
        return CaffeineSessionStore.create(MemoryStoreSettings.defaults(), clock);
    }

    @Override
    protected void storeDown() {
        store.failAll();
    }

    @Override
    protected void storeUp() {
        store.recover();
    }
}
