package dev.sessionkit.postgres;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionStore;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.SessionStoreContract;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract suite against a real PostgreSQL with {@code SESSION_DB_TOUCH_MODE=sync}: one
 * {@code UPDATE} per touch on the caller's thread, and its result exact (false for a session that
 * is not live).
 */
final class PostgresSyncTouchContractTest extends SessionStoreContract {

    private static final String TABLE = "contract_sync_sessions";
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
        return PostgresSessionStoreContractTest.open(database, TABLE, PostgresStoreSettings.builder().table(TABLE)
                .touchMode(PostgresStoreSettings.TouchMode.SYNC).build(), clock);
    }

    @Override
    protected void corrupt(SessionStore store, LookupKey key) {
        PostgresSessionStoreContractTest.corruptRow(database, TABLE, key);
    }
}
