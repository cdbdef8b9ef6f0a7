package dev.sessionkit.postgres;

import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A real pgbouncer (Debian's {@code /usr/sbin/pgbouncer}) in transaction mode in front of the
 * test PostgreSQL of {@link PostgresFixture}, run as a child process on a loopback port. Missing
 * pgbouncer fails the test, saying how to install it: these tests never skip.
 *
 * <p>As root it runs with {@code -u nobody} (pgbouncer refuses to run as root), so its files are
 * world-readable. {@code extra_float_digits} is ignored, as every pgjdbc deployment behind
 * pgbouncer needs; {@code options} is not, so a pool that sends it is refused, as in production.
 */
final class Pgbouncer implements AutoCloseable {

    /** A pgbouncer binary of your own, when it is not at the Debian path or on the PATH. */
    static final String BINARY_PROPERTY = "SESSIONKIT_TEST_PGBOUNCER";

    private final Path directory;
    private final Process process;
    private final int port;
    private final String user;
    private final String password;

    private Pgbouncer(Path directory, Process process, int port, String user, String password) {
        this.directory = directory;
        this.process = process;
        this.port = port;
        this.user = user;
        this.password = password;
    }

    /**
     * Starts pgbouncer in front of the server that holds {@code database} (any database of that
     * server can be reached through it), with {@code default_pool_size} server connections per
     * database and user.
     */
    static Pgbouncer start(PostgresFixture.Database database, int defaultPoolSize) {
        Path binary = binary();
        // the fixture's server, read from its database URL: postgres://user[:password]@host:port/name
        URI server = URI.create(database.databaseUrl());
        String[] credentials = server.getRawUserInfo().split(":", 2);
        String user = decode(credentials[0]);
        String password = credentials.length > 1 ? decode(credentials[1]) : null;
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            // below 32768: the kernel hands out ports above that to outgoing connections
            int port = freePort();
            try {
                Path directory = Files.createTempDirectory("sessionkit-pgbouncer-");
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
                Path userlist = directory.resolve("userlist.txt");
                write(userlist, quote(user) + " " + quote(password == null ? "" : password) + "\n");
                Path ini = directory.resolve("pgbouncer.ini");
                write(ini, String.join("\n",
                        "[databases]",
                        "* = host=" + server.getHost() + " port=" + server.getPort(),
                        "[pgbouncer]",
                        "listen_addr = 127.0.0.1",
                        "listen_port = " + port,
                        "unix_socket_dir =",
                        "auth_type = " + (password == null ? "trust" : "md5"),
                        "auth_file = " + userlist,
                        "pool_mode = transaction",
                        "default_pool_size = " + defaultPoolSize,
                        "max_client_conn = 500",
                        "ignore_startup_parameters = extra_float_digits",
                        "server_login_retry = 1",
                        "log_connections = 0",
                        "log_disconnections = 0",
                        ""));
                List<String> command = new ArrayList<>(List.of(binary.toString()));
                if ("root".equals(System.getProperty("user.name"))) {
                    command.addAll(List.of("-u", "nobody"));
                }
                command.add(ini.toString());
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(directory.resolve("pgbouncer.log").toFile()).start();
                Pgbouncer pgbouncer = new Pgbouncer(directory, process, port, user, password);
                if (pgbouncer.awaitListening()) {
                    return pgbouncer;
                }
                String log = pgbouncer.log();
                pgbouncer.close();
                last = new IOException("pgbouncer did not start on port " + port + ":\n" + log);
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException(last);
    }

    /** A {@code postgres://} URL of {@code database} through pgbouncer, with {@code query} appended when not empty. */
    String databaseUrl(String database, String query) {
        String credentials = encode(user) + (password == null ? "" : ":" + encode(password)) + "@";
        return "postgres://" + credentials + "127.0.0.1:" + port + "/" + database + (query.isEmpty() ? "" : "?" + query);
    }

    /** A {@code jdbc:postgresql:} URL of {@code database} through pgbouncer, credentials as parameters. */
    String jdbcUrl(String database, String parameters) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + encode(user)
                + (password == null ? "" : "&password=" + encode(password))
                + (parameters.isEmpty() ? "" : "&" + parameters);
    }

    int port() {
        return port;
    }

    /** What pgbouncer wrote so far. */
    String log() {
        try {
            return Files.readString(directory.resolve("pgbouncer.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

    private boolean awaitListening() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    private static Path binary() {
        String configured = System.getProperty(BINARY_PROPERTY, System.getenv(BINARY_PROPERTY));
        List<Path> candidates = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured.trim()));
        }
        candidates.add(Path.of("/usr/sbin/pgbouncer"));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "pgbouncer"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IllegalStateException(
                "pgbouncer is not installed, and the pgbouncer tests need a real one: install it with"
                        + " `apt-get install pgbouncer` (Debian/Ubuntu), or run `bash .ci/run`, which installs it;"
                        + " or point " + BINARY_PROPERTY + " at a pgbouncer binary"));
    }

    private static int freePort() {
        for (int i = 0; i < 50; i++) {
            int candidate = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress("127.0.0.1", candidate));
                return candidate;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free loopback port between 20000 and 32000");
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static String quote(String text) {
        return "\"" + text.replace("\"", "\"\"") + "\"";
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
