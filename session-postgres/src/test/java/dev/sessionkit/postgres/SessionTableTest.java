package dev.sessionkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class SessionTableTest {

    @Test
    void everyStatementQuotesTheConfiguredNames() {
        SessionTable table = new SessionTable("app", "web_sessions");

        assertThat(table.qualifiedName()).isEqualTo("\"app\".\"web_sessions\"");
        assertThat(table.statements()).filteredOn(sql -> sql != table.announce)
                .allSatisfy(sql -> assertThat(sql.text()).contains("\"app\".\"web_sessions\""));
        // the announcement reads no table: it notifies on the table's channel
        assertThat(table.announce.text()).contains("pg_notify\"('sessionkit_app_web_sessions'");
    }

    @Test
    void withoutSchemaTheTableNameIsUnqualified() {
        assertThat(new SessionTable(null, "sessions").qualifiedName()).isEqualTo("\"sessions\"");
    }

    @Test
    void everyPlaceholderHasANamedBindValue() {
        for (Sql sql : new SessionTable(null, "sessions").statements()) {
            long placeholders = sql.text().replaceAll("'[^']*'", "").chars().filter(c -> c == '?').count();
            assertThat(placeholders).as(sql.name()).isEqualTo(sql.bindCount());
        }
    }

    @Test
    void statementsCompareWithTheBoundNowNotTheDatabaseClock() {
        assertThat(new SessionTable(null, "sessions").statements())
                .allSatisfy(sql -> assertThat(sql.text()).doesNotContainIgnoringCase("now()")
                        .doesNotContainIgnoringCase("current_timestamp"));
    }

    @Test
    void writesAreGuardedByStatusAndExpiry() {
        SessionTable table = new SessionTable(null, "sessions");

        for (Sql write : new Sql[] {table.applyMeta, table.applyMerge, table.applyIncrement, table.applyReplace,
                table.changeKeyMeta, table.changeKeyMerge, table.changeKeyReplace, table.renewKeyMeta,
                table.renewKeyMerge, table.renewKeyReplace, table.touch, table.end, table.endByPrincipal}) {
            assertThat(write.text()).as(write.name())
                    .contains("\"status\" = 'active'")
                    .contains("\"expires_at\" > cast(? as timestamp with time zone)");
        }
        assertThat(table.touch.text()).contains("greatest(\"last_accessed_at\"", "greatest(\"idle_expires_at\"");
    }

    @Test
    void tableNameWithQuotesCannotBreakOutOfItsIdentifier() {
        // settings never let such a name through; the quoting holds even so
        SessionTable table = new SessionTable(null, "x\"; drop table users; --");

        assertThat(table.qualifiedName()).isEqualTo("\"x\"\"; drop table users; --\"");
    }

    @Test
    void ddlHasFillfactorAndTheSchemaMarker() {
        assertThat(String.join("\n", new SessionTable(null, "sessions").createStatements()))
                .contains("with (fillfactor = 85)")
                .contains("generated always as (least(\"idle_expires_at\", \"absolute_expires_at\")) stored")
                .contains("'replaced'")
                .contains("comment on table \"sessions\" is 'sessionkit schema 3'")
                .contains("\"sweep_at\" timestamp with time zone not null default '-infinity'")
                .contains("create index if not exists \"sessions_sweep_idx\" on \"sessions\"(\"sweep_at\")"
                        + " where \"status\" = 'active'")
                .contains("drop index if exists \"sessions_expires_idx\"")
                .doesNotContain("create index if not exists \"sessions_expires_idx\"");
    }

    /**
     * What keeps touches HOT: the touch does not write sweep_at; the delta writes only lower it;
     * the sweep finds rows by it and never waits for a row it would only move.
     */
    @Test
    void onlyCreatesTheSweepAndLowerBoundsWriteSweepAt() {
        SessionTable table = new SessionTable(null, "sessions", true);

        assertThat(table.touch.text()).doesNotContain("sweep_at");
        assertThat(table.create.text()).contains("\"sweep_at\"");
        for (Sql write : new Sql[] {table.applyMeta, table.applyMerge, table.applyIncrement, table.applyReplace,
                table.changeKeyMeta, table.changeKeyMerge, table.changeKeyReplace, table.renewKeyMeta,
                table.renewKeyMerge, table.renewKeyReplace}) {
            assertThat(write.text()).as(write.name())
                    .contains("\"sweep_at\" = least(\"sweep_at\", cast(? as timestamp with time zone))");
        }
        assertThat(table.purge.text())
                .contains("\"sweep_at\" <= cast(? as timestamp with time zone)) order by \"sweep_at\"")
                .contains("set \"sweep_at\" = \"expires_at\"")
                .containsOnlyOnce("for update skip locked");
    }
}
