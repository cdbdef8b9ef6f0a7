package dev.sessionkit.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionId;
import dev.sessionkit.SessionJson;
import dev.sessionkit.SessionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/** Snapshots, deltas and stores for this module's database tests. */
final class Sessions {

    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    static final Duration IDLE = Duration.ofMinutes(30);

    private Sessions() {
    }

    static LookupKey newKey() {
        return SessionId.generate().lookupKey();
    }

    static SessionData session(Map<String, JsonNode> attributes) {
        return session(newKey(), attributes, null);
    }

    static SessionData session(LookupKey key, Map<String, JsonNode> attributes, String principal) {
        return new SessionData(key, attributes, principal, T0, T0, T0.plus(IDLE), T0.plus(Duration.ofDays(7)), IDLE,
                "203.0.113.7", "JUnit", SessionStatus.ACTIVE, 0);
    }

    static JsonNode json(String text) {
        return SessionJson.parse(text);
    }

    static SessionDelta set(String name, JsonNode value) {
        return new SessionDelta(Map.of(name, value), Set.of(), Map.of(), false, null, null, null, null);
    }

    static SessionDelta increment(String name, long by) {
        return new SessionDelta(Map.of(), Set.of(), Map.of(name, by), false, null, null, null, null);
    }

    static PostgresStoreSettings settings(String databaseUrl, String table) {
        return PostgresStoreSettings.builder().databaseUrl(databaseUrl).table(table).build();
    }

    static PostgresSessionStore store(PostgresFixture.Database database, String table) {
        return PostgresSessionStore.builder()
                .settings(PostgresStoreSettings.builder().table(table).build())
                .dataSource(database.dataSource())
                .build();
    }
}
