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
 * PostgreSQL. Every wrk run is bounded by its duration; the demo is stopped afterwards.
 */
final class HttpBench {

    static final String SESSION_PATH = "/api/session/test-session";
    static final String HEALTH_PATH = "/healthz";
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
        Path target = repository.resolve("session-examples").resolve("target");
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".jar") && name.contains("servlet") && !name.startsWith("original-");
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

    /** Rounds of the session endpoint against the no-session one, alternating, per store. */
    static final int ROUNDS = 5;

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
            Path log = out.resolve("http-demo-" + store + ".log");
            builder.redirectErrorStream(true).redirectOutput(log.toFile());
            Process demo = builder.start();
            try {
                String base = "http://127.0.0.1:" + port;
                awaitHealthy(demo, base, log);
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
                demo.destroy();
                if (!demo.waitFor(15, TimeUnit.SECONDS)) {
                    demo.destroyForcibly();
                }
            }
        }
        return results;
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
                throw new IllegalStateException("the servlet demo exited with " + demo.exitValue() + "; see " + log);
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
        throw new IllegalStateException("the servlet demo did not answer " + HEALTH_PATH + " within 60 s; see " + log);
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
