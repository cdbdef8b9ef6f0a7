package dev.sessionkit.postgres;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionStore;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.SessionStoreContract;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract suite through a real pgbouncer in transaction mode with two server
 * connections, the store on its own pool built from a {@code DATABASE_URL} with
 * {@code pgbouncer=true}: no start-up {@code options} (pgbouncer would refuse the connection), no
 * named prepared statements, the migration's lock inside its transaction.
 */
final class PgbouncerSessionStoreContractTest extends SessionStoreContract {

    private static final String TABLE = "contract_sessions";
    private static PostgresFixture.Database database;
    private static Pgbouncer pgbouncer;

    @BeforeAll
    static void start() {
        database = PostgresFixture.freshDatabase();
        pgbouncer = Pgbouncer.start(database, 2);
    }

    @AfterAll
    static void stop() {
        pgbouncer.close();
        database.close();
    }

    @Override
    protected SessionStore newStore(MutableClock clock) {
        PostgresSessionStore store = PostgresSessionStore.builder()
                .settings(PostgresStoreSettings.builder().table(TABLE).poolSize(4)
                        .databaseUrl(pgbouncer.databaseUrl(database.name(), "pgbouncer=true")).build())
                .clock(clock)
                .build();
        database.execute("truncate table \"" + TABLE + "\"");
        return store;
    }

    @Override
    protected boolean defersTouches() {
        return true;
    }

    @Override
    protected void corrupt(SessionStore store, LookupKey key) {
        PostgresSessionStoreContractTest.corruptRow(database, TABLE, key);
    }
}
