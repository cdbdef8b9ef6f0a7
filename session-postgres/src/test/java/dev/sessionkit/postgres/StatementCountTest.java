package dev.sessionkit.postgres;

import static dev.sessionkit.testkit.Fixtures.json;
import static dev.sessionkit.testkit.Fixtures.newKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.Touch;
import dev.sessionkit.testkit.CountingDataSource;
import dev.sessionkit.testkit.Fixtures;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every store operation is one statement on one connection: the performance design of the store. */
final class StatementCountTest {

    private static final Instant T0 = MutableClock.DEFAULT_START;

    private static PostgresFixture.Database database;
    private static CountingDataSource counting;
    private static PostgresSessionStore store;

    @BeforeAll
    static void start() {
        database = PostgresFixture.freshDatabase();
        counting = CountingDataSource.of(database.dataSource());
        store = PostgresSessionStore.builder()
                .settings(PostgresStoreSettings.builder().table("counted").build())
                .dataSource(counting)
                .build();
    }

    @AfterAll
    static void stop() {
        store.close();
        database.close();
    }

    @Test
    void everyOperationIsOneStatementOnOneConnection() {
        assertEveryOperationIsOneStatementOnOneConnection(store, counting);
    }

    /**
     * Runs every store operation on {@code store}, which must be empty of "ada" and take its
     * connections from {@code counting}, and checks each is one statement on one connection
     * ({@link PgbouncerTest} holds the store to the same through pgbouncer).
     */
    static void assertEveryOperationIsOneStatementOnOneConnection(PostgresSessionStore store,
            CountingDataSource counting) {
        SessionData created = Fixtures.session(T0).attribute("cart", json("[1]")).attribute("hits", json("1")).build();
        Instant now = T0.plusSeconds(60);
        Touch touch = new Touch(now, now.plus(Fixtures.IDLE_TIMEOUT));
        SessionDelta delta = Fixtures.delta().set("name", "\"Ada\"").remove("cart").increment("hits", 2).principal("ada")
                .touch(touch.lastAccessedAt(), touch.idleExpiresAt()).build();
        LookupKey moved = newKey();

        assertThat(count(counting, () -> store.create(created))).isEqualTo(1);
        assertThat(count(counting, () -> store.load(created.key(), now))).isEqualTo(1);
        assertThat(count(counting, () -> store.apply(created.key(), delta, now))).isEqualTo(1);
        assertThat(count(counting, () -> store.apply(created.key(), Fixtures.delta().increment("hits", 1).build(), now))).isEqualTo(1);
        assertThat(count(counting, () -> store.touch(created.key(), touch, now))).isEqualTo(1);
        assertThat(count(counting, () -> store.changeKey(created.key(), moved, SessionDelta.empty(), now))).isEqualTo(1);
        LookupKey renewed = newKey();
        assertThat(count(counting, () -> store.renewKey(moved, renewed, delta, now.plusSeconds(5), now))).isEqualTo(1);
        assertThat(count(counting, () -> store.load(moved, now))).as("load through the previous key").isEqualTo(1);
        assertThat(count(counting, () -> store.apply(moved, delta, now))).as("apply through the previous key").isEqualTo(1);
        assertThat(count(counting, () -> store.changeKey(renewed, moved, SessionDelta.empty(), now))).isEqualTo(1);
        assertThat(count(counting, () -> store.findByPrincipal("ada", now))).isEqualTo(1);
        assertThat(count(counting, () -> store.findLive(now, 10))).isEqualTo(1);
        assertThat(count(counting, () -> store.stats(now))).isEqualTo(1);
        assertThat(count(counting, () -> {
            store.ping();
            return null;
        })).isEqualTo(1);
        assertThat(count(counting, () -> store.end(moved, SessionStatus.LOGGED_OUT, now))).isEqualTo(1);
        assertThat(count(counting, () -> store.endByPrincipal("ada", SessionStatus.REVOKED, now))).isEqualTo(1);
        assertThat(count(counting, () -> store.purgeExpired(now.plus(Duration.ofDays(60)), 100))).isEqualTo(1);
    }

    @Test
    void startingOnACurrentSchemaRunsOneCatalogQuery() {
        counting.reset();

        PostgresSessionStore.builder()
                .settings(PostgresStoreSettings.builder().table("counted").build())
                .dataSource(counting)
                .build()
                .close();

        assertThat(counting.counts().statements()).as(counting.executed().toString()).isEqualTo(1);
        assertThat(counting.counts().connections()).isEqualTo(1);
    }

    private static long count(CountingDataSource counting, Supplier<?> operation) {
        counting.reset();
        operation.get();
        assertThat(counting.counts().connections()).as("connections taken").isEqualTo(1);
        return counting.counts().statements();
    }
}
