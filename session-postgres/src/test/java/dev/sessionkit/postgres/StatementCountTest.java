package dev.sessionkit.postgres;

import static dev.sessionkit.testkit.Fixtures.json;
import static dev.sessionkit.testkit.Fixtures.newKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.Touch;
import dev.sessionkit.testkit.CountingDataSource;
import dev.sessionkit.testkit.SocketRoundTrips;
import dev.sessionkit.testkit.Fixtures;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every store operation is one statement on one connection, and one network round trip per
 * statement (counted at the socket, so a driver's extra Describe and Sync before a statement would
 * show): the performance design of the store. The one exception is a load that finds no row by
 * the current key, which asks again by the previous key.
 */
final class StatementCountTest {

    private static final Instant T0 = MutableClock.DEFAULT_START;
    /** Runs of each operation; more than pgjdbc's default {@code prepareThreshold}. */
    private static final int RUNS = 7;

    private static PostgresFixture.Database database;
    private static HikariDataSource pool;
    private static CountingDataSource counting;
    private static PostgresSessionStore store;

    @BeforeAll
    static void start() {
        database = PostgresFixture.freshDatabase();
        // one connection, so that every run of a statement is on the connection that prepared it
        pool = socketCountedPool(database.jdbcUrl(), 1);
        counting = CountingDataSource.atSocket(pool);
        store = PostgresSessionStore.builder()
                .settings(PostgresStoreSettings.builder().table("counted").build())
                .dataSource(counting)
                .build();
    }

    @AfterAll
    static void stop() {
        store.close();
        pool.close();
        database.close();
    }

    /** A pool on {@code jdbcUrl} whose sockets count round trips, for {@link CountingDataSource#atSocket}. */
    static HikariDataSource socketCountedPool(String jdbcUrl, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(SocketRoundTrips.pgjdbcUrl(jdbcUrl));
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }

    @Test
    void everyOperationIsOneStatementOnOneConnection() {
        assertEveryOperationIsOneStatementOnOneConnection(store, counting);
    }

    /**
     * Runs every store operation on {@code store}, which must be empty of "ada" and take its
     * connections from {@code counting} (counting at the socket), and checks each is one statement
     * and one round trip on one connection ({@link PgbouncerTest} holds the store to the same
     * through pgbouncer).
     */
    static void assertEveryOperationIsOneStatementOnOneConnection(PostgresSessionStore store,
            CountingDataSource counting) {
        SessionData created = Fixtures.session(T0).attribute("cart", json("[1]")).attribute("hits", json("1")).build();
        Instant now = T0.plusSeconds(60);
        Touch touch = new Touch(now, now.plus(Fixtures.IDLE_TIMEOUT));
        SessionDelta delta = Fixtures.delta().set("name", "\"Ada\"").remove("cart").increment("hits", 2).principal("ada")
                .touch(touch.lastAccessedAt(), touch.idleExpiresAt()).build();
        LookupKey moved = newKey();

        assertThat(count(store, counting, () -> store.create(created))).isEqualTo(1);
        assertThat(count(store, counting, () -> store.load(created.key(), now))).isEqualTo(1);
        assertThat(count(store, counting, () -> store.apply(created.key(), delta, now))).isEqualTo(1);
        assertThat(count(store, counting, () -> store.apply(created.key(), Fixtures.delta().increment("hits", 1).build(), now))).isEqualTo(1);
        // sync: the touch is the statement; write-behind: the touch queues, the flush writes the batch
        assertThat(count(store, counting, () -> {
            store.touch(created.key(), touch, now);
            store.flush();
            return null;
        })).as("a touch made visible").isEqualTo(1);
        assertThat(count(store, counting, () -> store.changeKey(created.key(), moved, SessionDelta.empty(), now))).isEqualTo(1);
        LookupKey renewed = newKey();
        assertThat(count(store, counting, () -> store.renewKey(moved, renewed, delta, now.plusSeconds(5), now))).isEqualTo(1);
        // the load asks for the current key first, and for the previous key only when that finds nothing
        assertThat(count(store, counting, () -> store.load(moved, now))).as("load through the previous key").isEqualTo(2);
        assertThat(count(store, counting, () -> store.load(newKey(), now))).as("load of an unknown key").isEqualTo(2);
        assertThat(count(store, counting, () -> store.apply(moved, delta, now))).as("apply through the previous key").isEqualTo(1);
        assertThat(count(store, counting, () -> store.changeKey(renewed, moved, SessionDelta.empty(), now))).isEqualTo(1);
        assertThat(count(store, counting, () -> store.findByPrincipal("ada", now))).isEqualTo(1);
        assertThat(count(store, counting, () -> store.findLive(now, 10))).isEqualTo(1);
        assertThat(count(store, counting, () -> store.stats(now))).isEqualTo(1);
        assertThat(count(store, counting, () -> {
            store.ping();
            return null;
        })).isEqualTo(1);
        assertThat(count(store, counting, () -> store.end(moved, SessionStatus.LOGGED_OUT, now))).isEqualTo(1);
        assertThat(count(store, counting, () -> store.endByPrincipal("ada", SessionStatus.REVOKED, now))).isEqualTo(1);
        assertThat(count(store, counting, () -> store.purgeExpired(now.plus(Duration.ofDays(60)), 100))).isEqualTo(1);
    }

    @Test
    void aDeltaWithoutIncrementsOfStoredValuesMergesWithoutReadingTheStoredAttributes() {
        SessionData created = Fixtures.session(T0).attribute("cart", json("[1]")).attribute("hits", json("1")).build();
        Instant now = T0.plusSeconds(60);
        store.create(created);
        counting.reset();

        // a set, a removal, and an increment of a key the delta also sets (folded into the set value)
        Optional<SessionData> applied = store.apply(created.key(),
                Fixtures.delta().set("name", "\"Ada\"").remove("cart").set("hits", "5").increment("hits", 2).build(), now);

        assertThat(counting.executed()).hasSize(1);
        assertThat(counting.executed().get(0)).doesNotContain("jsonb_each_text").doesNotContain("jsonb_build_object")
                .contains("||");
        assertThat(applied.orElseThrow().attributes()).containsOnlyKeys("name", "hits");
        assertThat(applied.get().attributes().get("hits").asLong()).isEqualTo(7);
        LookupKey moved = newKey();
        counting.reset();
        assertThat(store.changeKey(created.key(), moved, Fixtures.delta().set("step", "2").build(), now)).isPresent();
        assertThat(counting.executed().get(0)).doesNotContain("jsonb_each_text");
        store.end(moved, SessionStatus.LOGGED_OUT, now);
        store.flush();
    }

    @Test
    void aThreadsOwnCountsLeaveOutWhatTheAnnouncersThreadRan() throws Exception {
        SessionData created = Fixtures.session(T0).build();
        store.create(created);
        store.flush();
        CountingDataSource.Counts all = counting.counts();
        CountingDataSource.Counts mine = counting.countsOfThisThread();

        store.end(created.key(), SessionStatus.LOGGED_OUT, T0.plusSeconds(1));
        Thread flushing = new Thread(store::flush);
        flushing.start();
        flushing.join();

        // the end on this thread, its announcement on the other
        CountingDataSource.Counts ofThisThread = counting.countsOfThisThread().minus(mine);
        assertThat(ofThisThread).isEqualTo(new CountingDataSource.Counts(1, 1, 0, 1));
        assertThat(counting.counts().minus(all).statements()).isEqualTo(2);
        assertThat(counting.counts().minus(all).connections()).isEqualTo(2);
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

    /**
     * Runs {@code operation} {@value #RUNS} times (pgjdbc makes a statement it has run
     * {@code prepareThreshold} times, 5 by default, a named server-side one, and only from then on
     * describes a statement whose parameters it bound untyped: the extra round trip shows from the
     * fifth run); checks that every run took one connection and made one round trip per statement,
     * and returns the statements of the last run.
     */
    private static long count(PostgresSessionStore store, CountingDataSource counting, Supplier<?> operation) {
        long statements = -1;
        for (int run = 1; run <= RUNS; run++) {
            long announcedBefore = announcements(store);
            counting.reset();
            operation.get();
            // what the operation ended or moved is announced off the request thread, in a statement
            // of its own on a connection of its own: sent now, and not counted as the operation's
            store.flush();
            long announcements = announcements(store) - announcedBefore;
            CountingDataSource.Counts counts = counting.counts();
            assertThat(counts.connections()).as("connections taken").isEqualTo(1 + announcements);
            assertThat(counts.roundTrips()).as("round trips at the socket of run " + run + " of " + counting.executed())
                    .isEqualTo(counts.statements());
            assertThat(statements == -1 || statements == counts.statements() - announcements)
                    .as("same statements every run").isTrue();
            statements = counts.statements() - announcements;
        }
        return statements;
    }

    /** The statements the store's announcer has sent. */
    private static long announcements(PostgresSessionStore store) {
        return store.announcerCounts().map(EventAnnouncer.Counts::statements).orElse(0L);
    }
}
