package dev.sessionkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class SessionTableTest {

    @Test
    void dump() {
        SessionTable table = new SessionTable("app", "sessions");
        table.statements().forEach(s -> System.out.println(s + "\n"));
        table.createStatements().forEach(s -> System.out.println(s + "\n"));
        assertThat(table.qualifiedName()).isEqualTo("\"app\".\"sessions\"");
    }
}
