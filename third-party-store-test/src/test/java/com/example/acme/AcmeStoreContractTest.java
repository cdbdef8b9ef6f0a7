package com.example.acme;

import dev.sessionkit.EnvironmentVariables;
import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import dev.sessionkit.SessionStores;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.SessionStoreContract;
import java.util.Map;
import java.util.UUID;

/**
 * The whole contract, against acme stores opened the way an application opens them: by name,
 * through {@link SessionStores}, configured by variables. Each test gets a namespace of its own.
 */
final class AcmeStoreContractTest extends SessionStoreContract {

    @Override
    protected SessionStore newStore(MutableClock clock) {
        Map<String, String> env = Map.of("SESSION_STORE", "acme", "ACME_URL", "acme://contract-" + UUID.randomUUID(),
                "ACME_MAX_SESSIONS", "1000000");
        return SessionStores.open(SessionSettings.fromEnvironment(env), EnvironmentVariables.of(env), clock);
    }

    @Override
    protected void corrupt(SessionStore store, LookupKey key) {
        ((AcmeSessionStore) store).corrupt(key);
    }
}
