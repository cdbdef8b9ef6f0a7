package dev.sessionkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionkit.SessionConfigurationException;
import java.util.Map;
import java.util.Properties;
import org.postgresql.Driver;
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

    @Test
    void multiHostUrlBecomesPgjdbcsHostListOnThePrimary() {
        DatabaseUrl url = DatabaseUrl.parse(
                "postgres://app:p%40ss@db1.example.com:5432,db2.example.com:5433/my_app?target_session_attrs=read-write&sslmode=require");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db1.example.com:5432,db2.example.com:5433/my_app");
        assertThat(url.user()).isEqualTo("app");
        assertThat(url.password()).isEqualTo("p@ss");
        assertThat(url.properties()).isEqualTo(Map.of("sslmode", "require", "targetServerType", "primary",
                "hostRecheckSeconds", Integer.toString(DatabaseUrl.HOST_RECHECK_SECONDS)));
    }

    @Test
    void multiHostUrlWithoutTargetSessionAttrsStillGoesToThePrimary() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://u:p@h1,h2/d");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h1:5432,h2:5432/d");
        assertThat(url.properties()).containsEntry("targetServerType", "primary")
                .containsEntry("hostRecheckSeconds", Integer.toString(DatabaseUrl.HOST_RECHECK_SECONDS))
                .doesNotContainKey("target_session_attrs");
    }

    @Test
    void multiHostUrlKeepsIpv6BracketsAndPgjdbcReadsEveryHostAndPort() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://u:p@[::1]:5432,[::1]:5433,[2001:db8::7],127.0.0.1:6000/d");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432,[::1]:5433,[2001:db8::7]:5432,127.0.0.1:6000/d");
        // the driver itself must read the list as we mean it
        Properties parsed = Driver.parseURL(url.jdbcUrl(), new Properties());
        assertThat(parsed).isNotNull();
        assertThat(parsed.getProperty("PGHOST")).isEqualTo("[::1],[::1],[2001:db8::7],127.0.0.1");
        assertThat(parsed.getProperty("PGPORT")).isEqualTo("5432,5433,5432,6000");
        assertThat(parsed.getProperty("PGDBNAME")).isEqualTo("d");
    }

    @Test
    void passwordWithTheHostListsTextIsLeftAlone() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://u:h1,h2@h1,h2/d");

        assertThat(url.password()).isEqualTo("h1,h2");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h1:5432,h2:5432/d");
    }

    @Test
    void targetSessionAttrsAnyMapsToAnyServer() {
        assertThat(DatabaseUrl.parse("postgres://u:p@h1:5432,h2:5432/d?target_session_attrs=any").properties())
                .containsEntry("targetServerType", "any").doesNotContainKey("target_session_attrs");
    }

    @Test
    void targetSessionAttrsOnOneHostIsMappedWithoutARecheck() {
        assertThat(DatabaseUrl.parse("postgres://u:p@h/d?target_session_attrs=primary").properties())
                .isEqualTo(Map.of("targetServerType", "primary"));
    }

    @Test
    void singleHostUrlGetsNoTargetServerType() {
        assertThat(DatabaseUrl.parse("postgres://u:p@h/d").properties()).isEmpty();
    }

    @Test
    void multiHostJdbcUrlIsUsedAsItIs() {
        String jdbc = "jdbc:postgresql://h1:5432,h2:5432/app?targetServerType=primary&user=app";

        DatabaseUrl url = DatabaseUrl.parse(jdbc);

        assertThat(url.jdbcUrl()).isEqualTo(jdbc);
        assertThat(url.properties()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"read-only", "standby", "prefer-standby"})
    void replicaTargetSessionAttrsAreRefusedSinceReadsStayOnThePrimary(String attrs) {
        assertThatThrownBy(() -> DatabaseUrl.parse("postgres://u:hunter2@h1,h2/d?target_session_attrs=" + attrs))
                .isInstanceOfSatisfying(SessionConfigurationException.class, e -> {
                    assertThat(e.setting()).isEqualTo(PostgresStoreSettings.DATABASE_URL);
                    assertThat(e.getMessage()).contains("target_session_attrs=" + attrs).contains("primary")
                            .doesNotContain("hunter2").doesNotContain("h1,h2");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "postgres://u:hunter2@h1,h2/d?target_session_attrs=read-writ",
        "postgres://u:hunter2@h1,h2/d?target_session_attrs=",
        "postgres://u:hunter2@h1,h2/d?target_session_attrs=read-write&targetServerType=any",
        "postgres://u:hunter2@h1,,h2/d",
        "postgres://u:hunter2@h1,:5433/d",
        "postgres://u:hunter2@h1,h2:0/d",
        "postgres://u:hunter2@h1,h2:65536/d",
        "postgres://u:hunter2@h1,h2:port/d",
        "postgres://u:hunter2@h1,[::1/d",
        "postgres://u:hunter2@h1,[::1]x/d",
        "postgres://u:hunter2@h1,[zz]/d",
        "postgres://u:hunter2@h1,h%322/d",
        "postgres://u:hunter2%zz@h1,h2/d"
    })
    void badMultiHostUrlFailsNamingDatabaseUrlWithoutTheUrl(String bad) {
        assertThatThrownBy(() -> DatabaseUrl.parse(bad))
                .isInstanceOfSatisfying(SessionConfigurationException.class, e -> {
                    assertThat(e.setting()).isEqualTo(PostgresStoreSettings.DATABASE_URL);
                    assertThat(e.getMessage()).contains(PostgresStoreSettings.DATABASE_URL).doesNotContain("hunter2")
                            .doesNotContain("h1,");
                    assertThat(e.getCause()).isNull();
                });
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
