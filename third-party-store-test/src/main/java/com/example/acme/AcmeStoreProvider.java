package com.example.acme;

import dev.sessionkit.EnvironmentVariables;
import dev.sessionkit.SessionStore;
import dev.sessionkit.StoreContext;
import dev.sessionkit.StoreProvider;
import dev.sessionkit.StoreSetting;
import java.util.List;
import java.util.Optional;

/** Selected by {@code SESSION_STORE=acme}, or by {@code auto} when {@code ACME_URL} is an acme URL. */
public final class AcmeStoreProvider implements StoreProvider {

    @Override
    public String name() {
        return "acme";
    }

    @Override
    public List<StoreSetting> settings() {
        return AcmeSettings.ALL;
    }

    @Override
    public Optional<String> recognises(EnvironmentVariables environment) {
        String url = environment.get(AcmeSettings.ACME_URL);
        return url != null && url.startsWith(AcmeSettings.SCHEME) ? Optional.of("ACME_URL is set") : Optional.empty();
    }

    @Override
    public SessionStore open(StoreContext context) {
        AcmeSettings settings = AcmeSettings.read(context.environment());
        return new AcmeSessionStore(AcmeServer.namespace(settings.namespace), settings.maxSessions);
    }
}
