package dev.sessionkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionkit.SessionConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class DatabaseUrlTest {

    @Test
    void herokuStyleUrlIsSplitAndPercentDecoded() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://app%2Euser:p%40ss%3Aw%2Bord@db.example.com:6543/my_app?sslmode=require");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/my_app");
        assertThat(url.user()).isEqualTo("app.user");
        assertThat(url.password()).isEqualTo("p@ss:w+ord");
        assertThat(url.properties()).isEqualTo(Map.of("sslmode", "require"));
    }

    @Test
    void postgresqlSchemeDefaultPortAndNoPasswordAreAccepted() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app@localhost/sessions");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/sessions");
        assertThat(url.user()).isEqualTo("app");
        assertThat(url.password()).isNull();
        assertThat(url.properties()).isEmpty();
    }

    @Test
    void plusInPasswordStaysAPlus() {
        assertThat(DatabaseUrl.parse("postgres://u:a+b@h/d").password()).isEqualTo("a+b");
    }

    @Test
    void ipv6HostKeepsItsBrackets() {
        assertThat(DatabaseUrl.parse("postgres://u:p@[::1]:5433/d").jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/d");
    }

    @Test
    void jdbcUrlIsUsedAsItIs() {
        String jdbc = "jdbc:postgresql://db:5432/app?user=app&password=secret";

        DatabaseUrl url = DatabaseUrl.parse(jdbc);

        assertThat(url.jdbcUrl()).isEqualTo(jdbc);
        assertThat(url.user()).isNull();
    }

    @Test
    void toStringMasksThePassword() {
        assertThat(DatabaseUrl.parse("postgres://u:hunter2@h/d").toString()).doesNotContain("hunter2").contains("****");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "mysql://u:hunter2@h/d",
        "postgres://u:hunter2@/d",
        "postgres://u:hunter2%zz@h/d",
        "postgres://u:hunter2@h/d/extra",
        "postgres://u:hunter2@h:notaport/d",
        "postgres://u:hunter 2@h/d"
    })
    void badUrlFailsNamingDatabaseUrlWithoutTheSecret(String bad) {
        assertThatThrownBy(() -> DatabaseUrl.parse(bad))
                .isInstanceOfSatisfying(SessionConfigurationException.class, e -> {
                    assertThat(e.setting()).isEqualTo(PostgresStoreSettings.DATABASE_URL);
                    assertThat(e.getMessage()).contains(PostgresStoreSettings.DATABASE_URL).doesNotContain("hunter2");
                    assertThat(e.getCause()).isNull();
                });
    }
}
