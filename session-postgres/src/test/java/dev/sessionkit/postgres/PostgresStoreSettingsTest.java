package dev.sessionkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sessionkit.SessionConfigurationException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The PostgreSQL store's own settings: defaults, every variable's good and bad forms, no leaks. */
final class PostgresStoreSettingsTest {

    private static final String DB_PASSWORD = "hunter2-db-pa55word";
    private static final String DB_URL = "postgres://app:" + DB_PASSWORD + "@db.internal:5432/app";

    private static PostgresStoreSettings read(String... pairs) {
        Map<String, String> env = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return PostgresStoreSettings.fromEnvironment(env);
    }

    private static SessionConfigurationException fails(String variable, String value) {
        Throwable thrown = catchThrowable(() -> read(variable, value));
        assertThat(thrown).as(variable + "=" + value).isInstanceOf(SessionConfigurationException.class);
        SessionConfigurationException e = (SessionConfigurationException) thrown;
        assertThat(e.setting()).isEqualTo(variable);
        return e;
    }

    @Test
    void defaults() {
        PostgresStoreSettings s = read();

        assertThat(s.databaseUrl()).isNull();
        assertThat(s.table()).isEqualTo("sessions");
        assertThat(s.schema()).isNull();
        assertThat(s.schemaAuto()).isTrue();
        assertThat(s.poolSize()).isEqualTo(10);
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.statementTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.auditRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(s.touchMode()).isEqualTo(PostgresStoreSettings.TouchMode.WRITE_BEHIND);
        assertThat(s.touchFlushInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.touchBatchSize()).isEqualTo(1000);
        assertThat(s.touchQueueSize()).isEqualTo(10_000);
        assertThat(s.toString()).isEqualTo(PostgresStoreSettings.defaults().toString());
    }

    static Stream<Arguments> goodValues() {
        return Stream.of(
                good("DATABASE_URL", DB_URL, PostgresStoreSettings::databaseUrl, DB_URL),
                good("DATABASE_URL", " postgresql://db/app ", PostgresStoreSettings::databaseUrl, "postgresql://db/app"),
                good("DATABASE_URL", "jdbc:postgresql://db:5432/app?user=app", PostgresStoreSettings::databaseUrl,
                        "jdbc:postgresql://db:5432/app?user=app"),
                good("SESSION_TABLE", "user_sessions", PostgresStoreSettings::table, "user_sessions"),
                good("SESSION_TABLE", "_S1", PostgresStoreSettings::table, "_S1"),
                good("SESSION_TABLE", "t" + "x".repeat(62), PostgresStoreSettings::table, "t" + "x".repeat(62)),
                good("SESSION_SCHEMA", "auth", PostgresStoreSettings::schema, "auth"),
                good("SESSION_SCHEMA_AUTO", "off", PostgresStoreSettings::schemaAuto, false),
                good("SESSION_DB_POOL_SIZE", "1", PostgresStoreSettings::poolSize, 1),
                good("SESSION_DB_POOL_SIZE", " 1000 ", PostgresStoreSettings::poolSize, 1000),
                good("SESSION_DB_CONNECT_TIMEOUT", "250ms", PostgresStoreSettings::connectTimeout, Duration.ofMillis(250)),
                good("SESSION_DB_STATEMENT_TIMEOUT", "1ms", PostgresStoreSettings::statementTimeout, Duration.ofMillis(1)),
                good("SESSION_DB_STATEMENT_TIMEOUT", "PT30S", PostgresStoreSettings::statementTimeout, Duration.ofSeconds(30)),
                good("SESSION_DB_STATEMENT_TIMEOUT", "off", PostgresStoreSettings::statementTimeout, Duration.ZERO),
                good("SESSION_DB_PREPARED_STATEMENTS", "false", PostgresStoreSettings::preparedStatements, false),
                good("DATABASE_URL", "postgres://app@bouncer:6432/app?pgbouncer=true",
                        PostgresStoreSettings::preparedStatements, false),
                good("DATABASE_URL", "jdbc:postgresql://bouncer:6432/app?pgbouncer=TRUE&sslmode=require",
                        PostgresStoreSettings::preparedStatements, false),
                good("DATABASE_URL", "postgres://app@db:5432/app?pgbouncer=false",
                        PostgresStoreSettings::preparedStatements, true),
                good("SESSION_AUDIT_RETENTION", "90d", PostgresStoreSettings::auditRetention, Duration.ofDays(90)),
                good("SESSION_DB_EVENTS", "off", PostgresStoreSettings::events, false),
                good("SESSION_DB_LISTEN_URL", "postgres://app@db:5432/app", PostgresStoreSettings::listenUrl,
                        "postgres://app@db:5432/app"),
                good("SESSION_DB_TOUCH_MODE", "sync", PostgresStoreSettings::touchMode,
                        PostgresStoreSettings.TouchMode.SYNC),
                good("SESSION_DB_TOUCH_MODE", " Write-Behind ", PostgresStoreSettings::touchMode,
                        PostgresStoreSettings.TouchMode.WRITE_BEHIND),
                good("SESSION_DB_TOUCH_FLUSH_INTERVAL", "10ms", PostgresStoreSettings::touchFlushInterval,
                        Duration.ofMillis(10)),
                good("SESSION_DB_TOUCH_FLUSH_INTERVAL", "1m", PostgresStoreSettings::touchFlushInterval,
                        Duration.ofMinutes(1)),
                good("SESSION_DB_TOUCH_BATCH_SIZE", "1", PostgresStoreSettings::touchBatchSize, 1),
                good("SESSION_DB_TOUCH_BATCH_SIZE", "10000", PostgresStoreSettings::touchBatchSize, 10_000),
                good("SESSION_DB_TOUCH_QUEUE_SIZE", "1", PostgresStoreSettings::touchQueueSize, 1),
                good("SESSION_DB_TOUCH_QUEUE_SIZE", "1000000", PostgresStoreSettings::touchQueueSize, 1_000_000));
    }

    private static Arguments good(String variable, String value, Function<PostgresStoreSettings, Object> get,
            Object expected) {
        return Arguments.of(variable, value, get, expected);
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("goodValues")
    void goodValueIsRead(String variable, String value, Function<PostgresStoreSettings, Object> get, Object expected) {
        assertThat(get.apply(read(variable, value))).isEqualTo(expected);
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("DATABASE_URL", "mysql://app:" + DB_PASSWORD + "@db/app", "postgres://, postgresql:// or jdbc:postgresql:"),
                Arguments.of("DATABASE_URL", "db.internal:5432", "postgres://, postgresql:// or jdbc:postgresql:"),
                Arguments.of("SESSION_TABLE", "sessions; drop table x", "SQL identifier"),
                Arguments.of("SESSION_TABLE", "1sessions", "SQL identifier"),
                Arguments.of("SESSION_TABLE", "public.sessions", "SQL identifier"),
                Arguments.of("SESSION_TABLE", "séssions", "SQL identifier"),
                Arguments.of("SESSION_TABLE", "t" + "x".repeat(63), "SQL identifier"),
                Arguments.of("SESSION_SCHEMA", "my-schema", "SQL identifier"),
                Arguments.of("SESSION_SCHEMA_AUTO", "sometimes", "true or false"),
                Arguments.of("SESSION_DB_POOL_SIZE", "0", "from 1 to 1000"),
                Arguments.of("SESSION_DB_POOL_SIZE", "1001", "from 1 to 1000"),
                Arguments.of("SESSION_DB_POOL_SIZE", "ten", "from 1 to 1000"),
                Arguments.of("SESSION_DB_POOL_SIZE", "99999999999999999999", "from 1 to 1000"),
                Arguments.of("SESSION_DB_CONNECT_TIMEOUT", "249ms", "at least 250ms"),
                Arguments.of("SESSION_DB_CONNECT_TIMEOUT", "999999999999d", "3650d"),
                Arguments.of("SESSION_DB_CONNECT_TIMEOUT", "0s", "positive"),
                Arguments.of("SESSION_DB_STATEMENT_TIMEOUT", "PT-1S", "positive"),
                Arguments.of("SESSION_DB_STATEMENT_TIMEOUT", "soon", "500ms"),
                Arguments.of("SESSION_DB_STATEMENT_TIMEOUT", "PT0.0001S", "at least 1ms, or off"),
                Arguments.of("SESSION_DB_PREPARED_STATEMENTS", "never", "true or false"),
                Arguments.of("DATABASE_URL", "postgres://app:" + DB_PASSWORD + "@db/app?pgbouncer=yes",
                        "pgbouncer=true or pgbouncer=false"),
                Arguments.of("SESSION_AUDIT_RETENTION", "0d", "positive"),
                Arguments.of("SESSION_DB_EVENTS", "loud", "true or false"),
                Arguments.of("SESSION_DB_LISTEN_URL", "mysql://app:" + DB_PASSWORD + "@db/app",
                        "postgres://, postgresql:// or jdbc:postgresql:"),
                Arguments.of("SESSION_DB_LISTEN_URL", "postgres://app:" + DB_PASSWORD + "@bouncer/app?pgbouncer=true",
                        "directly"),
                Arguments.of("SESSION_DB_TOUCH_MODE", "async", "write-behind or sync"),
                Arguments.of("SESSION_DB_TOUCH_MODE", "write_behind", "write-behind or sync"),
                Arguments.of("SESSION_DB_TOUCH_FLUSH_INTERVAL", "9ms", "between 10ms and 1m"),
                Arguments.of("SESSION_DB_TOUCH_FLUSH_INTERVAL", "61s", "between 10ms and 1m"),
                Arguments.of("SESSION_DB_TOUCH_FLUSH_INTERVAL", "0s", "positive"),
                Arguments.of("SESSION_DB_TOUCH_FLUSH_INTERVAL", "often", "500ms"),
                Arguments.of("SESSION_DB_TOUCH_BATCH_SIZE", "0", "from 1 to 10000"),
                Arguments.of("SESSION_DB_TOUCH_BATCH_SIZE", "10001", "from 1 to 10000"),
                Arguments.of("SESSION_DB_TOUCH_QUEUE_SIZE", "0", "from 1 to 1000000"),
                Arguments.of("SESSION_DB_TOUCH_QUEUE_SIZE", "lots", "from 1 to 1000000"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badValues")
    void badValueFailsNamingTheVariable(String variable, String value, String accepted) {
        SessionConfigurationException e = fails(variable, value);

        assertThat(e.getMessage()).contains(variable).contains(accepted).doesNotContain(DB_PASSWORD);
    }

    @Test
    void everySettingHasAGoodAndABadCase() {
        java.util.Set<String> good = goodValues().map(a -> (String) a.get()[0]).collect(java.util.stream.Collectors.toSet());
        java.util.Set<String> bad = badValues().map(a -> (String) a.get()[0]).collect(java.util.stream.Collectors.toSet());
        java.util.Set<String> declared = PostgresStoreSettings.SETTINGS.stream().map(s -> s.variable())
                .collect(java.util.stream.Collectors.toSet());

        assertThat(good).isEqualTo(declared);
        assertThat(bad).isEqualTo(declared);
    }

    @Test
    void theUrlNeverShowsInMessagesOrToString() {
        String url = "mysql://app:" + DB_PASSWORD + "@db.internal/app";
        SessionConfigurationException e = fails("DATABASE_URL", url);

        assertThat(e.getMessage()).doesNotContain("db.internal").doesNotContain(DB_PASSWORD);
        assertThat(read("DATABASE_URL", DB_URL).toString()).contains("databaseUrl=set").doesNotContain(DB_PASSWORD)
                .doesNotContain("db.internal");
        assertThat(PostgresStoreSettings.SETTINGS.get(0).secret()).isTrue();
    }

    @Test
    void toBuilderRoundTripsAndChangesOnlyWhatIsSet() {
        PostgresStoreSettings original = read("DATABASE_URL", DB_URL, "SESSION_TABLE", "web", "SESSION_SCHEMA", "auth",
                "SESSION_SCHEMA_AUTO", "false", "SESSION_DB_POOL_SIZE", "42", "SESSION_DB_CONNECT_TIMEOUT", "750ms",
                "SESSION_DB_STATEMENT_TIMEOUT", "20s", "SESSION_AUDIT_RETENTION", "400d", "SESSION_DB_TOUCH_MODE", "sync",
                "SESSION_DB_TOUCH_FLUSH_INTERVAL", "250ms", "SESSION_DB_TOUCH_BATCH_SIZE", "50",
                "SESSION_DB_TOUCH_QUEUE_SIZE", "500");
        PostgresStoreSettings copy = original.toBuilder().build();
        PostgresStoreSettings changed = original.toBuilder().table("other").build();

        assertThat(copy.toString()).isEqualTo(original.toString()).contains("touchMode=sync",
                "touchFlushInterval=250ms", "touchBatchSize=50", "touchQueueSize=500");
        assertThat(copy.databaseUrl()).isEqualTo(DB_URL);
        assertThat(changed.table()).isEqualTo("other");
        assertThat(changed.poolSize()).isEqualTo(42);
        assertThat(original.table()).isEqualTo("web");
    }
}
