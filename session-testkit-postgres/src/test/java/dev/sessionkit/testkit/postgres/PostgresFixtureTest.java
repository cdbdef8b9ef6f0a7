package dev.sessionkit.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

final class PostgresFixtureTest {

    @Test
    void freshDatabasesAreSeparateAndEmptyOnOneServer() throws SQLException {
        try (PostgresFixture.Database first = PostgresFixture.freshDatabase();
                PostgresFixture.Database second = PostgresFixture.freshDatabase()) {
            first.execute("create table marker (n int)");

            assertThat(first.name()).isNotEqualTo(second.name());
            assertThat(query(first.dataSource(), "select current_database()")).isEqualTo(first.name());
            assertThat(query(second.dataSource(), "select count(*) from pg_tables where tablename = 'marker'"))
                    .isEqualTo("0");
            assertThat(query(first.dataSource(), "select count(*) from pg_tables where tablename = 'marker'"))
                    .isEqualTo("1");
            assertThat(first.databaseUrl()).startsWith("postgres://").endsWith("/" + first.name());
            assertThat(PostgresFixture.mode()).isIn("external", "testcontainers", "embedded");
        }
    }

    @Test
    void externalServerTakesPostgresUrlsWithEncodedCredentials() {
        PostgresFixture.Server server = PostgresFixture.Server.external(
                "postgres://app%40corp:p%3Ass+w@db.example:6543/main?sslmode=require");

        assertThat(server.adminDatabase).isEqualTo("main");
        assertThat(server.user).isEqualTo("app@corp");
        assertThat(server.password).isEqualTo("p:ss+w");
        assertThat(server.jdbcUrl("other"))
                .isEqualTo("jdbc:postgresql://db.example:6543/other?sslmode=require&user=app%40corp&password=p%3Ass%2Bw");
        assertThat(server.databaseUrl("other")).isEqualTo("postgres://app%40corp:p%3Ass%2Bw@db.example:6543/other");
    }

    @Test
    void externalServerTakesJdbcUrlsAsTheyAre() {
        PostgresFixture.Server server = PostgresFixture.Server.external(
                "jdbc:postgresql://localhost:5432/admin?user=ci&password=secret");

        assertThat(server.adminDatabase).isEqualTo("admin");
        assertThat(server.jdbcUrl("t1")).isEqualTo("jdbc:postgresql://localhost:5432/t1?user=ci&password=secret");
        assertThatIllegalStateException().isThrownBy(() -> PostgresFixture.Server.external("postgres://host-only"));
    }

    private static String query(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
