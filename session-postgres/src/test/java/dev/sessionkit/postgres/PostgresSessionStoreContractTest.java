package dev.sessionkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionStore;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.SessionStoreContract;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract suite against a real PostgreSQL, with the default settings: touches are
 * written behind ({@code SESSION_DB_TOUCH_MODE=write-behind}); {@link PostgresSyncTouchContractTest} runs
 * it again with {@code sync}.
 */
final class PostgresSessionStoreContractTest extends SessionStoreContract {

    private static final String TABLE = "contract_sessions";
    private static PostgresFixture.Database database;

    @BeforeAll
    static void openDatabase() {
        database = PostgresFixture.freshDatabase();
    }

    @AfterAll
    static void closeDatabase() {
        database.close();
    }

    @Override
    protected SessionStore newStore(MutableClock clock) {
        PostgresStoreSettings settings = PostgresStoreSettings.builder().table(TABLE).build();
        assertThat(settings.touchMode()).as("the default").isEqualTo(PostgresStoreSettings.TouchMode.WRITE_BEHIND);
        return open(database, TABLE, settings, clock);
    }

    @Override
    protected boolean defersTouches() {
        return true;
    }

    static PostgresSessionStore open(PostgresFixture.Database database, String table, PostgresStoreSettings settings,
            MutableClock clock) {
        PostgresSessionStore store = PostgresSessionStore.builder()
                .settings(settings)
                .dataSource(database.dataSource())
                .clock(clock)
                .build();
        database.execute("truncate table \"" + table + "\"");
        return store;
    }

    @Override
    protected void corrupt(SessionStore store, LookupKey key) {
        corruptRow(database, TABLE, key);
    }

    /** Overwrites a session's data with JSON that is not an attribute object, as a broken deploy would. */
    static void corruptRow(PostgresFixture.Database database, String table, LookupKey key) {
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement ps = connection.prepareStatement(
                        "update \"" + table + "\" set data = '[1, 2, 3]'::jsonb where key = ?")) {
            ps.setBytes(1, SessionRows.keyBytes(key));
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("no row to corrupt");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
