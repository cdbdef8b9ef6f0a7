package dev.sessionkit.jdbc;

import static dev.sessionkit.jdbc.Sessions.T0;
import static dev.sessionkit.jdbc.Sessions.json;
import static dev.sessionkit.jdbc.Sessions.session;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.SessionData;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

final class PostgresSessionStoreTest {

    private static PostgresFixture.Database database;
    private static PostgresSessionStore store;

    @BeforeAll
    static void start() {
        database = PostgresFixture.freshDatabase();
        store = Sessions.store(database, "sessions");
    }

    @AfterAll
    static void stop() {
        store.close();
        database.close();
    }

    @Test
    void createThenLoadReturnsTheSession() {
        SessionData created = session(Map.of("cart", json("[1,2]"), "name", json("\"Ada\"")));
        assertThat(store.create(created)).isTrue();
        assertThat(store.load(created.key(), T0.plusSeconds(1))).contains(created);
    }
}
