package dev.sessionkit.postgres;

import static dev.sessionkit.testkit.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionkit.SessionConfigurationException;
import dev.sessionkit.SessionData;
import dev.sessionkit.testkit.Fixtures;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

final class SchemaMigratorTest {

    private static final Instant T0 = MutableClock.DEFAULT_START;

    private static final String V1 = "/db/sessionkit/V1__create_sessions.sql";
    private static final String V2 = "/db/sessionkit/V2__renewal_and_replaced.sql";
    private static final String V3 = "/db/sessionkit/V3__sweep_at.sql";
    private static PostgresFixture.Database database;
    private static PostgresFixture.Database scripted;

    @BeforeAll
    static void start() {
        database = PostgresFixture.freshDatabase();
        scripted = PostgresFixture.freshDatabase();
    }

    @AfterAll
    static void stop() {
        database.close();
        scripted.close();
    }

    @Test
    void principalLookupsUseThePartialPrincipalIndex() {
        PostgresStoreSettings settings = PostgresStoreSettings.builder().table("by_principal").build();
        try (PostgresSessionStore store = build(settings, database.dataSource())) {
            store.create(Fixtures.session(T0).build());
        }
        // one connection, so the planner setting applies to the EXPLAIN
        List<String> plan = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("set enable_seqscan = off");
            try (ResultSet rs = statement.executeQuery("explain select * from by_principal"
                    + " where principal = 'alice' and status = 'active'")) {
                while (rs.next()) {
                    plan.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }

        assertThat(String.join("\n", plan)).contains("by_principal_principal_idx");
    }

    /**
     * On a big table where most rows are expired or past the audit retention, the planner would
     * find a batch by a sequential scan of the table (cheap while the matching rows are dense at
     * its start, slower with every batch as the sweep leaves them behind); the purge must reach
     * its rows through the two partial indexes instead.
     */
    @Test
    void purgeFindsItsRowsThroughThePartialIndexesWhenMostRowsMatch() throws SQLException {
        PostgresStoreSettings settings = PostgresStoreSettings.builder().table("big_purge").build();
        build(settings, database.dataSource()).close();
        SessionTable table = new SessionTable(null, "big_purge");
        Instant now = T0.plus(java.time.Duration.ofDays(60));
        List<String> plan = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection()) {
            // a tenth live, four tenths expired, half ended long ago
            try (java.sql.PreparedStatement fill = connection.prepareStatement("insert into big_purge (key,"
                    + " created_at, last_accessed_at, idle_expires_at, absolute_expires_at, idle_timeout_ms, status,"
                    + " logged_out_at) select sha256(int8send(i)), t - interval '50 days', t - interval '50 days',"
                    + " case when i % 10 = 0 then t + interval '1 day' else t - interval '40 days' + (i % 9973)"
                    + " * interval '1 second' end, t + interval '7 days', 86400000,"
                    + " case when i % 10 < 5 then 'active' else 'logged_out' end,"
                    + " case when i % 10 >= 5 then t - interval '40 days' + (i % 9973) * interval '1 second' end"
                    + " from generate_series(1, 100000) i, (select ?::timestamptz as t) x")) {
                PostgresSessionStore.setInstant(fill, 1, now);
                fill.executeUpdate();
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("analyze big_purge");
            }
            Sql purge = table.purge;
            try (java.sql.PreparedStatement explain = connection.prepareStatement("explain " + purge.text())) {
                PostgresSessionStore.setInstant(explain, purge.at("now"), now);
                PostgresSessionStore.setInstant(explain, purge.at("nowAgain"), now);
                PostgresSessionStore.setInstant(explain, purge.at("nowLive"), now);
                PostgresSessionStore.setInstant(explain, purge.at("nowDue"), now);
                PostgresSessionStore.setInstant(explain, purge.at("nowDueLive"), now);
                PostgresSessionStore.setInstant(explain, purge.at("nowLiveAgain"), now);
                explain.setInt(purge.at("limit"), 5_000);
                PostgresSessionStore.setInstant(explain, purge.at("auditCutoff"), now.minus(java.time.Duration.ofDays(30)));
                explain.setInt(purge.at("auditLimit"), 50_000);
                try (ResultSet rs = explain.executeQuery()) {
                    while (rs.next()) {
                        plan.add(rs.getString(1));
                    }
                }
            }
        }

        // the deletes reach their rows by ctid ("Tid Scan"), also with the expiry re-checked on them
        assertThat(String.join("\n", plan)).doesNotContain("Seq Scan")
                .contains("big_purge_sweep_idx", "big_purge_ended_idx", "Tid Scan");
    }

    @Test
    void migratingTwiceLeavesOneWorkingTable() {
        PostgresStoreSettings settings = PostgresStoreSettings.builder().table("twice").build();
        SessionData created = Fixtures.session(T0).attribute("a", json("1")).build();
        try (PostgresSessionStore first = build(settings, database.dataSource())) {
            first.create(created);
        }
        try (PostgresSessionStore second = build(settings, database.dataSource())) {
            assertThat(second.load(created.key(), T0)).contains(created);
        }
        assertThat(query(database.dataSource(), "select count(*) from pg_class where relname = 'twice'")).containsExactly("1");
    }

    @RepeatedTest(5)
    void tenInstancesStartingTogetherCreateTheTableOnce(RepetitionInfo repetition) throws Exception {
        String schema = "parallel_" + repetition.getCurrentRepetition();
        PostgresStoreSettings settings = PostgresStoreSettings.builder().schema(schema).table("sessions").build();
        int instances = 10;
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<PostgresSessionStore>> started = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                started.add(pool.submit(() -> {
                    go.await();
                    return build(settings, database.dataSource());
                }));
            }
            go.countDown();
            for (Future<PostgresSessionStore> store : started) {
                store.get(60, TimeUnit.SECONDS).close();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(query(database.dataSource(), "select indexname from pg_indexes where schemaname = '" + schema + "' order by 1"))
                .containsExactly("sessions_ended_idx", "sessions_pkey", "sessions_previous_key_idx",
                        "sessions_principal_idx", "sessions_sweep_idx");
    }

    @Test
    void tenInstancesStartingTogetherMigrateAVersionTwoTableOnce() throws Exception {
        PostgresFixture.Database own = PostgresFixture.freshDatabase();
        try (own) {
            own.execute(script(V1) + "\n" + script(V2));
            int instances = 10;
            ExecutorService pool = Executors.newFixedThreadPool(instances);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<PostgresSessionStore>> started = new ArrayList<>();
                for (int i = 0; i < instances; i++) {
                    started.add(pool.submit(() -> {
                        go.await();
                        return build(PostgresStoreSettings.builder().build(), own.dataSource());
                    }));
                }
                go.countDown();
                for (Future<PostgresSessionStore> store : started) {
                    store.get(60, TimeUnit.SECONDS).close();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(query(own.dataSource(), "select indexname from pg_indexes where tablename = 'sessions' order by 1"))
                    .containsExactly("sessions_ended_idx", "sessions_pkey", "sessions_previous_key_idx",
                            "sessions_principal_idx", "sessions_sweep_idx");
            assertThat(query(own.dataSource(), "select obj_description('sessions'::regclass, 'pg_class')"))
                    .containsExactly("sessionkit schema 3");
        }
    }

    @Test
    void shippedScriptsMakeTheSameTableAsTheStore() throws IOException {
        scripted.execute(script(V1) + "\n" + script(V2) + "\n" + script(V3));
        try (PostgresSessionStore store = build(PostgresStoreSettings.builder().build(), database.dataSource())) {
            assertThat(store.name()).isEqualTo("postgres");
        }

        List<String> fromScript = describe(scripted.dataSource());
        assertThat(fromScript).hasSize(18 + 4 + 5 + 1);
        assertThat(fromScript).isEqualTo(describe(database.dataSource()));
    }

    @Test
    void aVersionOneTableIsMigratedInPlaceAndKeepsItsSessions() throws IOException {
        PostgresFixture.Database own = PostgresFixture.freshDatabase();
        try (own) {
            own.execute(script(V1));
            SessionData before = Fixtures.session(T0).principal("alice").attribute("a", json("1")).build();
            try (PostgresSessionStore v1 = build(PostgresStoreSettings.builder().schemaAuto(false).build(),
                    own.dataSource())) {
                throw new AssertionError("a version-1 table must not count as current: " + v1);
            } catch (SessionConfigurationException expected) {
                assertThat(expected.setting()).isEqualTo(PostgresStoreSettings.SESSION_SCHEMA_AUTO);
            }
            own.execute("insert into sessions (key, principal, data, created_at, last_accessed_at, idle_expires_at,"
                    + " absolute_expires_at, idle_timeout_ms) values ('\\x" + before.key().value() + "', 'alice',"
                    + " '{\"a\": 1}', '" + T0 + "', '" + T0 + "', '" + before.idleExpiresAt() + "', '"
                    + before.absoluteExpiresAt() + "', " + before.idleTimeout().toMillis() + ")");

            try (PostgresSessionStore store = build(PostgresStoreSettings.builder().build(), own.dataSource())) {
                assertThat(store.load(before.key(), T0)).get().extracting(SessionData::principal).isEqualTo("alice");
                assertThat(store.end(before.key(), dev.sessionkit.SessionStatus.REPLACED, T0)).isTrue();
            }
            assertThat(query(own.dataSource(), "select status from sessions")).containsExactly("replaced");
            assertThat(query(own.dataSource(), "select obj_description('sessions'::regclass, 'pg_class')"))
                    .containsExactly("sessionkit schema 3");
            assertThat(query(own.dataSource(), "select count(*) from pg_constraint where conrelid = 'sessions'::regclass"
                    + " and contype = 'c' and pg_get_constraintdef(oid) like '%status%'")).containsExactly("1");
        }
    }

    /**
     * A schema-2 table (made by the V1 and V2 scripts) gets sweep_at at start-up without a rewrite:
     * its rows read '-infinity', so the first sweep looks at each, deletes the expired and gives
     * the live their expiry; the index on expires_at is gone, the one on sweep_at is there.
     */
    @Test
    void aVersionTwoTableGetsSweepAtAndItsRowsAreSweptByTheirExpiry() throws IOException {
        PostgresFixture.Database own = PostgresFixture.freshDatabase();
        try (own) {
            own.execute(script(V1) + "\n" + script(V2));
            SessionData live = Fixtures.session(T0).principal("alice").attribute("a", json("1")).build();
            SessionData expired = Fixtures.session(T0.minus(java.time.Duration.ofDays(1))).build();
            for (SessionData session : List.of(live, expired)) {
                own.execute("insert into sessions (key, principal, data, created_at, last_accessed_at, idle_expires_at,"
                        + " absolute_expires_at, idle_timeout_ms) values ('\\x" + session.key().value() + "', "
                        + (session.principal() == null ? "null" : "'" + session.principal() + "'") + ", '{}', '"
                        + session.createdAt() + "', '" + session.lastAccessedAt() + "', '" + session.idleExpiresAt()
                        + "', '" + session.absoluteExpiresAt() + "', " + session.idleTimeout().toMillis() + ")");
            }
            String relfilenode = query(own.dataSource(), "select relfilenode from pg_class where relname = 'sessions'").get(0);

            try (PostgresSessionStore store = build(PostgresStoreSettings.builder().build(), own.dataSource())) {
                assertThat(query(own.dataSource(), "select obj_description('sessions'::regclass, 'pg_class')"))
                        .containsExactly("sessionkit schema 3");
                assertThat(query(own.dataSource(), "select relfilenode from pg_class where relname = 'sessions'"))
                        .as("no rewrite").containsExactly(relfilenode);
                assertThat(query(own.dataSource(), "select indexname from pg_indexes where tablename = 'sessions'"
                        + " order by 1")).contains("sessions_sweep_idx").doesNotContain("sessions_expires_idx");
                assertThat(query(own.dataSource(), "select count(*) from sessions where sweep_at = '-infinity'"))
                        .containsExactly("2");

                assertThat(store.purgeExpired(T0, 100)).containsExactly(expired.key());

                assertThat(query(own.dataSource(), "select count(*) from sessions where sweep_at = expires_at"))
                        .containsExactly("1");
                assertThat(store.load(live.key(), T0)).get().extracting(SessionData::principal).isEqualTo("alice");
                assertThat(store.purgeExpired(live.idleExpiresAt(), 100)).containsExactly(live.key());
            }
        }
    }

    @Test
    void storeWithSchemaAutoOffUsesATableMadeByTheScript() throws IOException {
        PostgresFixture.Database own = PostgresFixture.freshDatabase();
        try (own) {
            own.execute(script(V1) + "\n" + script(V2) + "\n" + script(V3));
            SessionData created = Fixtures.session(T0).attribute("a", json("1")).build();
            try (PostgresSessionStore store = build(PostgresStoreSettings.builder().schemaAuto(false).build(), own.dataSource())) {
                assertThat(store.create(created)).isTrue();
                assertThat(store.load(created.key(), T0)).contains(created);
            }
        }
    }

    @Test
    void schemaAutoOffWithoutTableFailsNamingTheSetting() {
        PostgresStoreSettings settings = PostgresStoreSettings.builder().table("never_made").schemaAuto(false).build();

        assertThatThrownBy(() -> build(settings, database.dataSource()))
                .isInstanceOfSatisfying(SessionConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(PostgresStoreSettings.SESSION_SCHEMA_AUTO));
        assertThat(query(database.dataSource(), "select count(*) from pg_class where relname = 'never_made'"))
                .containsExactly("0");
    }

    @Test
    void someoneElsesTableOfThatNameFailsNamingTheTableSetting() {
        // connect-pg-simple's table, say
        database.execute("create table \"session\" (sid varchar primary key, sess json not null, expire timestamp(6) not null)");
        PostgresStoreSettings settings = PostgresStoreSettings.builder().table("session").build();

        assertThatThrownBy(() -> build(settings, database.dataSource()))
                .isInstanceOfSatisfying(SessionConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(PostgresStoreSettings.SESSION_TABLE));
    }

    @Test
    void reservedWordsAndMixedCaseNamesWorkBecauseEveryNameIsQuoted() {
        PostgresStoreSettings settings = PostgresStoreSettings.builder().schema("select").table("Order").build();
        SessionData created = Fixtures.session(T0).attribute("a", json("1")).build();

        try (PostgresSessionStore store = build(settings, database.dataSource())) {
            assertThat(store.create(created)).isTrue();
            assertThat(store.load(created.key(), T0)).contains(created);
        }
        assertThat(query(database.dataSource(), "select count(*) from \"select\".\"Order\"")).containsExactly("1");
    }

    @Test
    void tableIsCreatedWithFillfactorBelowOneHundred() {
        try (PostgresSessionStore store = build(PostgresStoreSettings.builder().table("filled").build(), database.dataSource())) {
            assertThat(store).isNotNull();
        }

        assertThat(query(database.dataSource(), "select array_to_string(reloptions, ',') from pg_class where relname = 'filled'"))
                .containsExactly("fillfactor=" + SessionTable.FILLFACTOR);
    }

    @Test
    void longTableNameStillGetsFourDistinctIndexes() {
        String longName = "t".repeat(63);
        try (PostgresSessionStore store = build(PostgresStoreSettings.builder().table(longName).build(), database.dataSource())) {
            assertThat(store).isNotNull();
        }

        assertThat(query(database.dataSource(), "select count(*) from pg_indexes where tablename = '" + longName + "'"))
                .containsExactly("5");
    }

    @Test
    void unsafeIdentifiersAreRejectedBySettingsNamingTheVariable() {
        assertThatThrownBy(() -> PostgresStoreSettings.builder().table("sessions; drop table users"))
                .isInstanceOfSatisfying(SessionConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(PostgresStoreSettings.SESSION_TABLE));
        assertThatThrownBy(() -> PostgresStoreSettings.builder().schema("a\"b"))
                .isInstanceOfSatisfying(SessionConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(PostgresStoreSettings.SESSION_SCHEMA));
    }

    private static PostgresSessionStore build(PostgresStoreSettings settings, DataSource dataSource) {
        return PostgresSessionStore.builder().settings(settings).dataSource(dataSource).build();
    }

    private static String script(String path) throws IOException {
        try (InputStream in = SchemaMigratorTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path + " in the jar").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Columns, constraints, indexes, storage options and comment of the "sessions" table. */
    private static List<String> describe(DataSource dataSource) {
        List<String> description = new ArrayList<>();
        description.addAll(new TreeSet<>(query(dataSource, "select column_name || ' ' || data_type || ' ' || is_nullable"
                + " || ' ' || coalesce(column_default, '-') || ' ' || coalesce(generation_expression, '-')"
                + " from information_schema.columns where table_name = 'sessions' and table_schema = 'public'")));
        description.addAll(new TreeSet<>(query(dataSource, "select contype || ' ' || pg_get_constraintdef(oid)"
                + " from pg_constraint where conrelid = 'public.sessions'::regclass")));
        description.addAll(new TreeSet<>(query(dataSource, "select indexdef from pg_indexes"
                + " where tablename = 'sessions' and schemaname = 'public'")));
        description.addAll(query(dataSource, "select coalesce(array_to_string(reloptions, ','), '-') || ' '"
                + " || obj_description(oid, 'pg_class') from pg_class where oid = 'public.sessions'::regclass"));
        return description;
    }

    static List<String> query(DataSource dataSource, String sql) {
        List<String> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
        return rows;
    }
}
