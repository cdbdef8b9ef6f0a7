package dev.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.RequestInfo;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionStore;
import dev.sessionkit.postgres.PostgresSessionStore;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/** Store selection and DataSource reuse against the PostgreSQL fixture. */
final class SessionkitPostgresAutoConfigurationTest {

    private static final PostgresFixture.Database DATABASE = PostgresFixture.freshDatabase();
    /** Nothing listens here: a store that opened its own pool from it would fail to start. */
    private static final String UNREACHABLE = "postgres://nobody:secret@127.0.0.1:1/nothing";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    SessionkitPostgresStoreAutoConfiguration.class, SessionkitMemoryStoreAutoConfiguration.class,
                    SessionkitAutoConfiguration.class));

    @AfterAll
    static void closeDatabase() {
        DATABASE.close();
    }

    @Test
    void postgresSpringDatasourceUrlSelectsTheJdbcStoreOnTheApplicationsPool() {
        runner.withPropertyValues("spring.datasource.url=" + DATABASE.jdbcUrl(), "spring.datasource.hikari.pool-name=app")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(DataSource.class);
                    assertThat(context.getBean(SessionStore.class)).isInstanceOf(PostgresSessionStore.class);
                    storeOneSession(context.getBean(SessionManager.class));
                    assertThat(rows(context.getBean(DataSource.class))).isPositive();
                });
    }

    @Test
    void productionWithAPostgresDatasourceNeedsNoDatabaseUrl() {
        runner.withPropertyValues("spring.datasource.url=" + DATABASE.jdbcUrl(), "APP_ENV=production",
                "SESSION_SECRET=" + SessionkitAutoConfigurationTest.SECRET).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SessionStore.class).name()).isEqualTo("postgres");
                });
    }

    @Test
    void applicationsOwnDataSourceIsReusedEvenWhenDatabaseUrlIsSet() {
        AtomicInteger borrowed = new AtomicInteger();
        DataSource counting = new DelegatingDataSource(DATABASE.dataSource()) {
            @Override
            public Connection getConnection() throws java.sql.SQLException {
                borrowed.incrementAndGet();
                return super.getConnection();
            }
        };
        runner.withBean("appDataSource", DataSource.class, () -> counting)
                .withPropertyValues("DATABASE_URL=" + UNREACHABLE).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SessionStore.class).name()).isEqualTo("postgres");
                    int atStart = borrowed.get();
                    storeOneSession(context.getBean(SessionManager.class));
                    assertThat(borrowed.get()).as("the session was written through the application's DataSource")
                            .isGreaterThan(atStart);
                });
    }

    @Test
    void handBuiltDataSourceIsUsedWhenJdbcIsChosenExplicitly() {
        runner.withBean("appDataSource", DataSource.class, SessionkitPostgresAutoConfigurationTest::unclosable)
                .withPropertyValues("sessionkit.store=jdbc").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SessionStore.class).name()).isEqualTo("postgres");
                });
    }

    @Test
    void handBuiltDataSourceAloneKeepsTheMemoryStore() {
        runner.withBean("appDataSource", DataSource.class, SessionkitPostgresAutoConfigurationTest::unclosable)
                .run(context -> assertThat(context.getBean(SessionStore.class).name()).isEqualTo("memory"));
    }

    @Test
    void databaseUrlWithoutADataSourceOpensTheStoresOwnPool() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SessionkitPostgresStoreAutoConfiguration.class,
                SessionkitMemoryStoreAutoConfiguration.class, SessionkitAutoConfiguration.class)).withPropertyValues("DATABASE_URL=" + DATABASE.databaseUrl()).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(DataSource.class);
            assertThat(context.getBean(SessionStore.class).name()).isEqualTo("postgres");
        });
    }

    @Test
    void postgresPropertiesAndTheJdbcAliasReachTheStore() {
        runner.withPropertyValues("spring.datasource.url=" + DATABASE.jdbcUrl(), "sessionkit.postgres.table=by_property")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    storeOneSession(context.getBean(SessionManager.class));
                    assertThat(rows(DATABASE.dataSource(), "by_property")).isEqualTo(1);
                });
        runner.withPropertyValues("spring.datasource.url=" + DATABASE.jdbcUrl(), "SESSION_TABLE=by_variable",
                "sessionkit.store=postgres").run(context -> {
                    assertThat(context).hasNotFailed();
                    storeOneSession(context.getBean(SessionManager.class));
                    assertThat(rows(DATABASE.dataSource(), "by_variable")).isEqualTo(1);
                });
        runner.withPropertyValues("spring.datasource.url=" + DATABASE.jdbcUrl(), "sessionkit.jdbc.table=by_alias")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    storeOneSession(context.getBean(SessionManager.class));
                    assertThat(rows(DATABASE.dataSource(), "by_alias")).isEqualTo(1);
                });
    }

    @Test
    void aBadPostgresPropertyFailsNamingIt() {
        runner.withPropertyValues("spring.datasource.url=" + DATABASE.jdbcUrl(), "sessionkit.postgres.table=no such")
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = new SessionkitFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).contains("SESSION_TABLE").contains("SQL identifier");
                    assertThat(analysis.getAction()).contains("sessionkit.postgres.table");
                });
    }

    @Test
    void theTouchModePropertyReachesTheStoreAndABadOneFailsNamingIt() {
        runner.withPropertyValues("spring.datasource.url=" + DATABASE.jdbcUrl()).run(context -> assertThat(
                context.getBean(SessionStore.class).unwrap(dev.sessionkit.postgres.TouchQueueCounters.class))
                .as("write-behind by default").isPresent());
        runner.withPropertyValues("spring.datasource.url=" + DATABASE.jdbcUrl(), "sessionkit.postgres.touch-mode=sync",
                "sessionkit.postgres.touch-flush-interval=200ms").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SessionStore.class).unwrap(dev.sessionkit.postgres.TouchQueueCounters.class))
                            .isEmpty();
                });
        runner.withPropertyValues("spring.datasource.url=" + DATABASE.jdbcUrl(), "sessionkit.postgres.touch-mode=async")
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = new SessionkitFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).contains("SESSION_DB_TOUCH_MODE").contains("write-behind or sync");
                    assertThat(analysis.getAction()).contains("sessionkit.postgres.touch-mode");
                });
    }

    @Test
    void memoryChosenExplicitlyIgnoresTheDatabase() {
        runner.withPropertyValues("spring.datasource.url=" + DATABASE.jdbcUrl(), "sessionkit.store=memory")
                .run(context -> assertThat(context.getBean(SessionStore.class).name()).isEqualTo("memory"));
    }

    @Test
    void withoutTheJdbcModuleTheJdbcConfigurationStaysOff() {
        runner.withClassLoader(new FilteredClassLoader(PostgresSessionStore.class))
                .withPropertyValues("sessionkit.store=memory", "spring.datasource.url=" + DATABASE.jdbcUrl())
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean("sessionkitPostgresStore");
                    assertThat(context.getBean(SessionStore.class).name()).isEqualTo("memory");
                });
    }

    /** The fixture's pool, hidden from Spring's inferred close at context shutdown. */
    private static DataSource unclosable() {
        return new DelegatingDataSource(DATABASE.dataSource());
    }

    private static void storeOneSession(SessionManager manager) {
        SessionContext request = manager.resolve(RequestInfo.ofCookie(null));
        request.getOrCreate().set("cart", 1);
        assertThat(manager.commit(request).setCookie()).isPresent();
    }

    private static int rows(DataSource dataSource) throws Exception {
        return rows(dataSource, "sessions");
    }

    private static int rows(DataSource dataSource, String table) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select count(*) from " + table)) {
            r.next();
            return r.getInt(1);
        }
    }
}
