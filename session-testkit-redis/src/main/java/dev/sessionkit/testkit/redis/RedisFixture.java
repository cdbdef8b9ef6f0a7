package dev.sessionkit.testkit.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts real {@code redis-server} processes on loopback for tests, each in a temporary directory,
 * logging to {@code /tmp/redis-<port>.log}. A server saves its data only when it is
 * {@linkplain Server#stop() stopped} (SIGTERM), so a restart after a stop finds it again, one
 * after a {@linkplain Server#kill() kill} (SIGKILL) finds nothing.
 *
 * <ul>
 *   <li>{@link #server()}: one shared server per JVM, started on first use.
 *   <li>{@link #cluster()}: one shared Redis Cluster per JVM, three masters with one replica
 *       each, started on first use (a few seconds).
 *   <li>{@link #newServer()} and {@link #newCluster()}: a server or cluster of the caller's own,
 *       for tests that kill or stop nodes; close it afterwards.
 * </ul>
 *
 * <p>Every process is killed when it is closed, and at the latest when the JVM exits. Ports are
 * picked at random below 32768 (above it the kernel hands out ports to outgoing connections),
 * with the cluster bus port ({@code port + 10000}) free too; a taken port is retried. Without the
 * {@code redis-server} binary every call fails with the command that installs it: a test never
 * passes without a real server.
 */
public final class RedisFixture {

    private static final Logger LOG = LoggerFactory.getLogger(RedisFixture.class);
    private static final String INSTALL = "apt-get install -y redis-server";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private static Server sharedServer;
    private static Cluster sharedCluster;

    private RedisFixture() {
    }

    /** The JVM's shared single server; do not stop it. */
    public static synchronized Server server() {
        if (sharedServer == null) {
            sharedServer = newServer();
        }
        return sharedServer;
    }

    /** The JVM's shared cluster of three masters and three replicas; do not kill its nodes. */
    public static synchronized Cluster cluster() {
        if (sharedCluster == null) {
            sharedCluster = newCluster();
        }
        return sharedCluster;
    }

    /** A single server of the caller's own. */
    public static Server newServer() {
        return Server.start(false);
    }

    /** A cluster of three masters and three replicas of the caller's own. */
    public static Cluster newCluster() {
        List<Server> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                nodes.add(Server.start(true));
            }
            List<String> create = new ArrayList<>(List.of(cli(), "--cluster", "create"));
            nodes.forEach(n -> create.add("127.0.0.1:" + n.port()));
            create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            String out = run(create, Duration.ofSeconds(60));
            if (!out.contains("[OK] All 16384 slots covered")) {
                throw new IllegalStateException("redis-cli --cluster create failed:\n" + out);
            }
            Cluster cluster = new Cluster(nodes);
            cluster.awaitHealthy(Duration.ofSeconds(30));
            LOG.info("sessionkit test: Redis Cluster up on ports {}", cluster.ports());
            return cluster;
        } catch (RuntimeException e) {
            nodes.forEach(Server::close);
            throw e;
        }
    }

    static String serverBinary() {
        for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("redis-server is not installed; the Redis tests need a real server: "
                + INSTALL + " (Debian's package)");
    }

    static String cli() {
        for (String candidate : List.of("/usr/bin/redis-cli", "/usr/local/bin/redis-cli")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("redis-cli is not installed; " + INSTALL + " brings it");
    }

    /** The {@code redis-cli} binary, for commands {@link Server#cli} does not cover ({@code --cluster reshard}). */
    public static String cliPath() {
        return cli();
    }

    /**
     * Runs a command to its end and returns what it printed.
     *
     * @throws IllegalStateException on a non-zero exit or when it outlasts {@code timeout}
     */
    public static String run(List<String> command, Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out;
            try (var in = process.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("failed (" + process.exitValue() + "): " + String.join(" ", command)
                        + "\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code redis-cli -p port args...}, its output trimmed. */
    static String cliAt(int port, String... args) {
        List<String> command = new ArrayList<>(List.of(cli(), "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        return run(command, Duration.ofSeconds(10)).trim();
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** One {@code redis-server} process. */
    public static final class Server implements AutoCloseable {

        private final int port;
        private final Path dir;
        private volatile Process process;
        private final boolean clustered;

        private Server(int port, Path dir, Process process, boolean clustered) {
            this.port = port;
            this.dir = dir;
            this.process = process;
            this.clustered = clustered;
        }

        static Server start(boolean clustered) {
            String binary = serverBinary();
            IllegalStateException last = null;
            for (int attempt = 0; attempt < 10; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(20_000, 22_700);
                if (!free(port) || (clustered && !free(port + 10_000))) {
                    continue;
                }
                try {
                    return launch(binary, port, clustered);
                } catch (IllegalStateException e) {
                    last = e; // most likely the port was taken in between; try another
                }
            }
            throw last != null ? last : new IllegalStateException("no free port for redis-server");
        }

        private static Server launch(String binary, int port, boolean clustered) {
            try {
                return launch(binary, port, clustered, Files.createTempDirectory("redis-" + port + "-"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static Server launch(String binary, int port, boolean clustered, Path dir) {
            try {
                Path log = Path.of("/tmp/redis-" + port + ".log");
                List<String> command = new ArrayList<>(List.of(binary, "--port", Integer.toString(port),
                        "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "3600", "1", "--appendonly", "no",
                        "--daemonize", "no", "--logfile", log.toString()));
                if (clustered) {
                    command.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                            "--cluster-node-timeout", "2000",
                            // a replica's first sync starts at once: Redis 7 otherwise waits 5 s for more
                            // replicas, and a master killed before its replica synced cannot fail over
                            "--repl-diskless-sync-delay", "0"));
                }
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                Server server = new Server(port, dir, process, clustered);
                Runtime.getRuntime().addShutdownHook(new Thread(server::close, "redis-fixture-" + port));
                long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
                while (System.nanoTime() < deadline) {
                    if (!process.isAlive()) {
                        server.close();
                        throw new IllegalStateException("redis-server on port " + port + " exited; see " + log);
                    }
                    if (server.answers()) {
                        return server;
                    }
                    Thread.sleep(50);
                }
                server.close();
                throw new IllegalStateException("redis-server on port " + port + " did not answer; see " + log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        /** Whether the server answers {@code PING}. */
        public boolean answers() {
            if (!process.isAlive()) {
                return false;
            }
            try {
                return "PONG".equals(cliAt(port, "ping"));
            } catch (RuntimeException e) {
                return false;
            }
        }

        /** The port on 127.0.0.1. */
        public int port() {
            return port;
        }

        /** {@code redis://127.0.0.1:<port>}. */
        public String url() {
            return "redis://127.0.0.1:" + port;
        }

        /** {@code 127.0.0.1:<port>}. */
        public String hostAndPort() {
            return "127.0.0.1:" + port;
        }

        /** Runs {@code redis-cli} against this server and returns its output, trimmed. */
        public String cli(String... args) {
            return RedisFixture.cliAt(port, args);
        }

        /** Whether this is a cluster node. */
        public boolean clustered() {
            return clustered;
        }

        /** Kills the process with SIGKILL, as a crash would, and waits for it to die. */
        public void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * Stops the process with SIGTERM, so it saves its data as a clean shutdown does, and waits
         * for it to end.
         */
        public void stop() {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * Starts a stopped or killed server again on the same port and directory (with the data a
         * stop saved, none after a kill), and waits until it answers.
         *
         * @throws IllegalStateException if it does not answer in time
         */
        public void restart() {
            if (process.isAlive()) {
                throw new IllegalStateException(this + " still runs");
            }
            Server again = launch(serverBinary(), port, clustered, dir);
            this.process = again.process;
        }

        /** Whether the process runs. */
        public boolean alive() {
            return process.isAlive();
        }

        /** Kills the process and deletes its directory. Idempotent. */
        @Override
        public void close() {
            kill();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // a temporary directory left behind is harmless
            }
        }

        @Override
        public String toString() {
            return "redis-server[" + port + (clustered ? ", cluster" : "") + "]";
        }
    }

    /** A Redis Cluster of three masters, each with one replica, on loopback. */
    public static final class Cluster implements AutoCloseable {

        private final List<Server> nodes;

        private Cluster(List<Server> nodes) {
            this.nodes = List.copyOf(nodes);
        }

        /** All six nodes. */
        public List<Server> nodes() {
            return nodes;
        }

        /** The seed nodes as {@code 127.0.0.1:port,127.0.0.1:port,...}: every node. */
        public String seedNodes() {
            return nodes.stream().map(Server::hostAndPort).collect(Collectors.joining(","));
        }

        /** {@code redis://127.0.0.1:<port>} of the first node, enough for a client to find the rest. */
        public String url() {
            return nodes.get(0).url();
        }

        List<Integer> ports() {
            return nodes.stream().map(Server::port).toList();
        }

        /** The nodes that are masters now, as the first live node reports. */
        public List<Server> masters() {
            Server reporter = nodes.stream().filter(Server::answers).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no cluster node answers"));
            List<Server> masters = new ArrayList<>();
            for (String line : reporter.cli("cluster", "nodes").split("\n")) {
                String[] fields = line.trim().split(" ");
                if (fields.length > 2 && fields[2].contains("master") && !fields[2].contains("fail")) {
                    int port = Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1).split("@")[0]);
                    nodes.stream().filter(n -> n.port() == port).forEach(masters::add);
                }
            }
            return masters;
        }

        /**
         * Waits until every live node reports {@code cluster_state:ok}, three masters are known and every
         * live replica's link to its master is up (a replica that has not synced can neither fail over
         * nor hold what its master acknowledged).
         *
         * @throws IllegalStateException when that does not happen within {@code timeout}
         */
        public void awaitHealthy(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                boolean ok = true;
                for (Server node : nodes) {
                    if (node.alive()) {
                        try {
                            ok &= node.cli("cluster", "info").contains("cluster_state:ok");
                            String replication = node.cli("info", "replication");
                            ok &= !replication.contains("role:slave") || replication.contains("master_link_status:up");
                        } catch (RuntimeException e) {
                            ok = false;
                        }
                    }
                }
                if (ok && masters().size() == 3) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the Redis Cluster on " + ports() + " is not healthy");
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }

        /** Stops every node with SIGTERM (each saves its data), as an outage of the whole cluster. */
        public void stop() {
            nodes.parallelStream().forEach(Server::stop);
        }

        /** Restarts every node that is not running and waits until the cluster is healthy again. */
        public void start() {
            nodes.parallelStream().filter(n -> !n.alive()).forEach(Server::restart);
            awaitHealthy(Duration.ofSeconds(60));
        }

        /** Kills every node. Idempotent. */
        @Override
        public void close() {
            nodes.forEach(Server::close);
        }
    }
}
