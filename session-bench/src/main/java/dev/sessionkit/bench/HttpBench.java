package dev.sessionkit.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The HTTP level: the servlet demo ({@code session-examples/target/*servlet*.jar}, Jetty 12 with
 * sessionkit's {@code SessionFilter}) under {@code wrk} on loopback, for
 * {@code GET /api/session/test-session} with a warm session cookie (it increments a visit counter:
 * a modifying request) and {@code GET /healthz} (no session work), on the memory store and on
 * PostgreSQL. Then {@link #rounds} compares the servlet demo with the WebFlux demo on Netty
 * ({@code *webflux*.jar}): several rounds of both endpoints in one process, and the per-round
 * session / no-session ratio with its spread. Every wrk run is bounded by its duration; the demo is
 * stopped afterwards.
 */
final class HttpBench {

    static final String SESSION_PATH = "/api/session/test-session";
    static final String HEALTH_PATH = "/healthz";
    /** Rounds per demo and store in the per-round comparison, and the length of each wrk run in a round. */
    static final int ROUNDS = 5;
    static final Duration ROUND_DURATION = Duration.ofSeconds(5);
    private static final int WRK_THREADS = 2;
    private static final int WRK_CONNECTIONS = 16;
    private static final Duration WARM_UP = Duration.ofSeconds(3);
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern P99 = Pattern.compile("\\s99%\\s+([0-9.]+)(us|ms|s)\\b");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET_ERRORS =
            Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private HttpBench() {
    }

    /** The servlet demo's runnable jar, if it was built. */
    static Optional<Path> findDemoJar(Path repository) {
        return findDemoJar(repository, "servlet");
    }

    /** A demo's runnable jar ({@code servlet}, {@code webflux}), if it was built. */
    static Optional<Path> findDemoJar(Path repository, String demo) {
        Path target = repository.resolve("session-examples").resolve("target");
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".jar") && name.contains(demo) && !name.startsWith("original-");
            }).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Optional<String> wrk() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, "wrk");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }

    /**
     * Runs the demo on each store; in each of {@value #ROUNDS} rounds, wrk on the session endpoint
     * and on the no-session endpoint for {@code duration} each (the order swapped every round).
     * Returns every wrk run; adds to {@code paired} the per-round ratio, session / no-session, of
     * each store.
     */
    static List<Results.Http> run(Path jar, String wrk, String jdbcUrl, Duration duration, Path out,
            List<Results.Paired> paired) throws IOException, InterruptedException {
        List<Results.Http> results = new ArrayList<>();
        for (String store : List.of("memory", "postgres")) {
            Demo demo = start(jar, store, jdbcUrl, out.resolve("http-demo-" + store + ".log"));
            try {
                String base = "http://127.0.0.1:" + demo.port;
                awaitHealthy(demo.process, base, demo.log);
                String cookie = warmCookie(base);
                String[][] endpoints = {{SESSION_PATH, cookie}, {HEALTH_PATH, null}};
                for (String[] endpoint : endpoints) {
                    wrk(wrk, base + endpoint[0], endpoint[1], WARM_UP);
                }
                List<Double> sessionRates = new ArrayList<>();
                List<Double> healthRates = new ArrayList<>();
                List<Double> ratios = new ArrayList<>();
                for (int round = 0; round < ROUNDS; round++) {
                    Results.Http[] measured = new Results.Http[2];
                    for (int k = 0; k < 2; k++) {
                        int e = round % 2 == 0 ? k : 1 - k;
                        measured[e] = parse(store, endpoints[e][0], wrk(wrk, base + endpoints[e][0], endpoints[e][1],
                                duration));
                        results.add(measured[e]);
                    }
                    sessionRates.add(measured[0].requestsPerSecond());
                    healthRates.add(measured[1].requestsPerSecond());
                    ratios.add(measured[0].requestsPerSecond() / measured[1].requestsPerSecond());
                }
                paired.add(new Results.Paired("http", store, "session endpoint", "no-session endpoint",
                        WRK_CONNECTIONS, duration.toMillis(), sessionRates, healthRates, ratios, Results.median(ratios),
                        ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                        ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)));
            } finally {
                demo.stop();
            }
        }
        return results;
    }

    /**
     * {@code rounds} rounds of one demo on one store, in one process after one warm-up: in each, the
     * session endpoint then the no-session endpoint for {@code duration} each. The per-round ratio
     * cancels most of what the shared machine does to both; its spread says how much is left.
     */
    static List<Results.HttpRound> rounds(String demoName, Path jar, String wrk, String store, String jdbcUrl,
            Duration duration, int rounds, Path out) throws IOException, InterruptedException {
        List<Results.HttpRound> results = new ArrayList<>();
        Demo demo = start(jar, store, jdbcUrl, out.resolve("http-rounds-" + demoName + "-" + store + ".log"));
        try {
            String base = "http://127.0.0.1:" + demo.port;
            awaitHealthy(demo.process, base, demo.log);
            String cookie = warmCookie(base);
            wrk(wrk, base + SESSION_PATH, cookie, WARM_UP);
            wrk(wrk, base + HEALTH_PATH, null, WARM_UP);
            for (int round = 1; round <= rounds; round++) {
                Results.Http session = parse(store, SESSION_PATH, wrk(wrk, base + SESSION_PATH, cookie, duration));
                Results.Http health = parse(store, HEALTH_PATH, wrk(wrk, base + HEALTH_PATH, null, duration));
                results.add(new Results.HttpRound(demoName, store, round, session.requestsPerSecond(),
                        health.requestsPerSecond(), session.requestsPerSecond() / health.requestsPerSecond()));
            }
        } finally {
            demo.stop();
        }
        return results;
    }

    /**
     * Only the per-round comparison of the servlet and WebFlux demos, on the memory store (and on
     * PostgreSQL when a JDBC URL is given): {@code HttpBench <repository> <rounds> <seconds> [jdbc-url]}.
     */
    public static void main(String[] args) throws Exception {
        Path repository = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Duration duration = Duration.ofSeconds(Long.parseLong(args[2]));
        String jdbcUrl = args.length > 3 ? args[3] : null;
        String wrk = wrk().orElseThrow(() -> new IllegalStateException("wrk is not installed"));
        Path out = Files.createDirectories(repository.resolve("session-bench/target"));
        for (String store : jdbcUrl == null ? List.of("memory") : List.of("memory", "postgres")) {
            for (String demo : List.of("servlet", "webflux")) {
                Path jar = findDemoJar(repository, demo).orElseThrow(() -> new IllegalStateException("no " + demo
                        + " demo jar; build session-examples first"));
                for (Results.HttpRound r : rounds(demo, jar, wrk, store, jdbcUrl, duration, rounds, out)) {
                    System.out.printf(java.util.Locale.ROOT, "%s %s round %d: session %.0f/s, no-session %.0f/s, ratio %.3f%n",
                            r.demo(), r.store(), r.round(), r.sessionRps(), r.healthRps(), r.ratio());
                }
            }
        }
    }

    /** A demo's process on a free port, and its log. */
    private record Demo(Process process, int port, Path log) {

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static Demo start(Path jar, String store, String jdbcUrl, Path log) throws IOException {
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder("java", "-Xms512m", "-Xmx512m", "-jar", jar.toString());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("SESSION_") || k.equals("DATABASE_URL"));
        env.put("PORT", Integer.toString(port));
        env.put("SESSION_SECRET", Shapes.SECRET);
        if (store.equals("memory")) {
            env.put("SESSION_STORE", "memory");
        } else {
            env.put("SESSION_STORE", "jdbc");
            env.put("DATABASE_URL", jdbcUrl);
            env.put("SESSION_TABLE", "http_sessions");
            env.put("SESSION_DB_POOL_SIZE", Integer.toString(BenchDatabase.POOL_SIZE));
        }
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return new Demo(builder.start(), port, log);
    }

    static Results.Http parse(String store, String endpoint, String output) {
        Matcher rps = RPS.matcher(output);
        Matcher p99 = P99.matcher(output);
        if (!rps.find() || !p99.find()) {
            return new Results.Http(store, endpoint, Double.NaN, Double.NaN, -1, "wrk output not understood: "
                    + output.lines().limit(3).toList());
        }
        double value = Double.parseDouble(p99.group(1));
        double millis = switch (p99.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
        long errors = 0;
        Matcher non2xx = NON_2XX.matcher(output);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        Matcher socket = SOCKET_ERRORS.matcher(output);
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(socket.group(g));
            }
        }
        return new Results.Http(store, endpoint, Double.parseDouble(rps.group(1)), millis, errors, "");
    }

    private static String wrk(String wrk, String url, String cookie, Duration duration)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(wrk, "-t" + WRK_THREADS, "-c" + WRK_CONNECTIONS,
                "-d" + Math.max(1, duration.toSeconds()) + "s", "--timeout", "5s", "--latency"));
        if (cookie != null) {
            command.add("-H");
            command.add("Cookie: " + cookie);
        }
        command.add(url);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk did not stop");
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    private static void awaitHealthy(Process demo, String base, Path log) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!demo.isAlive()) {
                throw new IllegalStateException("the demo exited with " + demo.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(base + HEALTH_PATH)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the demo did not answer " + HEALTH_PATH + " within 60 s; see " + log);
    }

    /** One request that creates the session; its cookie is what wrk sends on every request. */
    private static String warmCookie(String base) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + SESSION_PATH)).build(),
                HttpResponse.BodyHandlers.ofString());
        String setCookie = r.headers().firstValue("Set-Cookie")
                .orElseThrow(() -> new IllegalStateException(SESSION_PATH + " answered " + r.statusCode()
                        + " without a Set-Cookie"));
        String cookie = Shapes.cookieHeader(setCookie);
        HttpResponse<String> again = client.send(HttpRequest.newBuilder(URI.create(base + SESSION_PATH))
                .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
        if (again.statusCode() != 200) {
            throw new IllegalStateException("the warm cookie was not accepted: " + again.statusCode());
        }
        return cookie;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
