package com.example.acme;

import dev.sessionkit.EnvironmentVariables;
import dev.sessionkit.SessionConfigurationException;
import dev.sessionkit.StoreSetting;
import java.util.List;

/** The acme store's settings: which namespace of the acme server, and how many sessions it may hold. */
final class AcmeSettings {

    static final String ACME_URL = "ACME_URL";
    static final String ACME_MAX_SESSIONS = "ACME_MAX_SESSIONS";
    static final String SCHEME = "acme://";

    static final List<StoreSetting> ALL = List.of(
            StoreSetting.secret(ACME_URL, "url", "the acme namespace, acme://<name>"),
            StoreSetting.of(ACME_MAX_SESSIONS, "max-sessions", "how many sessions the namespace holds"));

    final String namespace;
    final int maxSessions;

    private AcmeSettings(String namespace, int maxSessions) {
        this.namespace = namespace;
        this.maxSessions = maxSessions;
    }

    static AcmeSettings read(EnvironmentVariables env) {
        String url = env.get(ACME_URL);
        if (url == null) {
            throw new SessionConfigurationException(ACME_URL, "the acme store needs " + ACME_URL + " (acme://<namespace>)");
        }
        if (!url.startsWith(SCHEME) || !url.substring(SCHEME.length()).matches("[a-z0-9-]{1,64}")) {
            throw new SessionConfigurationException(ACME_URL, ACME_URL + " must be acme://<namespace>, the namespace"
                    + " 1 to 64 lower-case letters, digits or -");
        }
        int[] max = {1000};
        env.ifInt(ACME_MAX_SESSIONS, 1, 1_000_000, value -> max[0] = value);
        return new AcmeSettings(url.substring(SCHEME.length()), max[0]);
    }
}
