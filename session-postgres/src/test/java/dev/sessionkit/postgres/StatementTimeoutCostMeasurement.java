package dev.sessionkit.postgres;

import com.sun.management.OperatingSystemMXBean;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.jdbc.PgStatement;

/**
 * What a statement timeout costs per request through pgbouncer (transaction mode), measured, not
 * asserted: a primary-key {@code SELECT} as the store's {@code load} runs it, on one thread, plain,
 * with pgjdbc's query timeout (a timer task per execution, a cancel request only when it fires), with
 * the store's {@link StatementWatchdog} (what {@link StatementOptions} applies: a queue append per
 * statement, a cancel request only when it fires), and with
 * {@code SET LOCAL statement_timeout} in a transaction of its own (begin and set, select, commit).
 * Not part of {@code mvn verify} (the name does not end in Test); run it with
 * {@code mvn -B -o verify -pl session-postgres -am -Dtest=StatementTimeoutCostMeasurement
 * -Dsurefire.failIfNoSpecifiedTests=false -Dmaven.javadoc.skip=true}.
 */
final class StatementTimeoutCostMeasurement {

    private static final int WARM_UP = 2_000;
    private static final int ROUNDS = 9;
    private static final int PER_ROUND = 2_000;
    private static final String SELECT = "select data from measured where key = ?";

    @Test
    void measure() throws Exception {
        try (PostgresFixture.Database database = PostgresFixture.freshDatabase();
                Pgbouncer pgbouncer = Pgbouncer.start(database, 2)) {
            database.execute("create table measured (key int primary key, data jsonb not null)");
            database.execute("insert into measured select g, '{\"a\": 1}' from generate_series(1, 1000) g");
            List<String> report = new ArrayList<>();
            try (HikariDataSource pool = pool(pgbouncer.jdbcUrl(database.name(), "prepareThreshold=0"))) {
                report.addAll(run("pgbouncer", pool, Mode.values()));
            }
            try (HikariDataSource pool = pool(database.jdbcUrl() + "&prepareThreshold=0")) {
                report.addAll(run("direct", pool, Mode.values()));
            }
            try (HikariDataSource pool = pool(database.jdbcUrl() + "&options=-c%20statement_timeout%3D5000")) {
                report.addAll(run("direct, startup options, named statements (before)", pool, Mode.PLAIN));
            }
            System.out.println(String.join("\n", report));
        }
    }

    /** No timeout; pgjdbc's query timeout (before); the store's watchdog (now); {@code SET LOCAL}. */
    private enum Mode { PLAIN, QUERY_TIMEOUT, WATCHDOG, SET_LOCAL }

    /** Rounds of every mode in turn, rotating the order, so drift and noise hit all modes alike. */
    private static List<String> run(String label, HikariDataSource pool, Mode... modes) throws SQLException {
        for (Mode mode : modes) {
            for (int i = 0; i < WARM_UP; i++) {
                once(pool, mode, i);
            }
        }
        double[][] micros = new double[modes.length][ROUNDS];
        double[][] cpu = new double[modes.length][ROUNDS];
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int r = 0; r < ROUNDS; r++) {
            for (int m = 0; m < modes.length; m++) {
                int which = (m + r) % modes.length;
                long start = System.nanoTime();
                long startCpu = os.getProcessCpuTime();
                for (int i = 0; i < PER_ROUND; i++) {
                    once(pool, modes[which], i);
                }
                micros[which][r] = (System.nanoTime() - start) / 1_000.0 / PER_ROUND;
                cpu[which][r] = (os.getProcessCpuTime() - startCpu) / 1_000.0 / PER_ROUND;
            }
        }
        List<String> lines = new ArrayList<>();
        for (int m = 0; m < modes.length; m++) {
            java.util.Arrays.sort(micros[m]);
            java.util.Arrays.sort(cpu[m]);
            lines.add(String.format(Locale.ROOT, "MEASURED %-10s %-14s median %7.1f µs/op (min %7.1f, max %7.1f);"
                            + " client process CPU median %5.1f µs/op",
                    label, modes[m], micros[m][ROUNDS / 2], micros[m][0], micros[m][ROUNDS - 1], cpu[m][ROUNDS / 2]));
        }
        return lines;
    }

    private static void once(HikariDataSource pool, Mode mode, int i) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            if (mode == Mode.SET_LOCAL) {
                connection.setAutoCommit(false);
                try (PreparedStatement set = connection.prepareStatement("set local statement_timeout = 5000")) {
                    set.execute();
                }
            }
            try (PreparedStatement ps = connection.prepareStatement(SELECT)) {
                if (mode == Mode.QUERY_TIMEOUT) {
                    ps.unwrap(PgStatement.class).setQueryTimeoutMs(5_000);
                } else if (mode == Mode.WATCHDOG) {
                    StatementWatchdog.SHARED.watch(ps, TimeUnit.SECONDS.toNanos(5));
                }
                ps.setInt(1, 1 + i % 1000);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    rs.getString(1);
                }
            }
            if (mode == Mode.SET_LOCAL) {
                connection.commit();
                connection.setAutoCommit(true);
            }
        }
    }

    private static HikariDataSource pool(String jdbcUrl) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(2);
        config.setPoolName("measure");
        return new HikariDataSource(config);
    }
}
