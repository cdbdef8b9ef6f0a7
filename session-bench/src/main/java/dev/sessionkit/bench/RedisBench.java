package dev.sessionkit.bench;

import dev.sessionkit.testkit.redis.RedisFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The Redis comparison: {@link RedisBenchmark}'s shapes at 1 and 8 threads on a real
 * {@code redis-server} this process starts ({@code BENCH_REDIS_URL} for another), written to
 * {@code session-bench/target/redis-bench-report.md}. {@code --quick} for short runs.
 *
 * <pre>java -cp session-bench/target/sessionkit-bench.jar dev.sessionkit.bench.RedisBench</pre>
 */
public final class RedisBench {

    private static final List<String> SHAPES = List.of("readOnly", "modify", "create", "login", "listByPrincipal");

    private RedisBench() {
    }

    /**
     * Runs the comparison.
     *
     * @param args {@code --quick} for one short iteration per benchmark
     */
    public static void main(String[] args) throws RunnerException, IOException {
        boolean quick = List.of(args).contains("--quick");
        String url = System.getenv("BENCH_REDIS_URL");
        RedisFixture.Server server = url == null ? RedisFixture.newServer() : null;
        if (server != null) {
            url = server.url();
        }
        try {
            Map<String, Map<String, double[]>> table = new TreeMap<>();
            for (int threads : List.of(1, 8)) {
                for (String shape : SHAPES) {
                    Collection<RunResult> results = new Runner(new OptionsBuilder()
                            .include(java.util.regex.Pattern.quote(RedisBenchmark.class.getName() + "." + shape) + "$")
                            .threads(threads)
                            .forks(1)
                            .warmupIterations(1)
                            .warmupTime(TimeValue.milliseconds(quick ? 300 : 1000))
                            .measurementIterations(quick ? 1 : 3)
                            .measurementTime(TimeValue.milliseconds(quick ? 300 : 1000))
                            .jvmArgs("-Xms512m", "-Xmx512m", "-D" + RedisBenchmark.URL + "=" + url)
                            .build()).run();
                    for (RunResult result : results) {
                        String contender = result.getParams().getParam("contender");
                        double ops = result.getPrimaryResult().getScore();
                        table.computeIfAbsent(shape + " @" + threads, k -> new TreeMap<>())
                                .put(contender, new double[] {ops});
                    }
                }
            }
            Path report = Path.of("session-bench/target/redis-bench-report.md");
            Files.createDirectories(report.getParent());
            List<String> lines = new ArrayList<>();
            lines.add("| shape @ threads | sessionkit ops/s | raw (same commands) ops/s | single command ops/s"
                    + " | Spring Session Redis ops/s | sessionkit / raw | sessionkit / Spring |");
            lines.add("|---|---:|---:|---:|---:|---:|---:|");
            table.forEach((row, byContender) -> {
                double sk = byContender.getOrDefault("sessionkit", new double[] {Double.NaN})[0];
                double raw = byContender.getOrDefault("raw", new double[] {Double.NaN})[0];
                double hset = byContender.getOrDefault("hset", new double[] {Double.NaN})[0];
                double spring = byContender.getOrDefault("spring", new double[] {Double.NaN})[0];
                boolean list = row.startsWith("list");
                lines.add(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %s | %s | %.2f× | %s |", row, sk, raw,
                        row.startsWith("login") || list ? "—" : String.format(Locale.ROOT, "%.0f", hset),
                        list ? "—" : String.format(Locale.ROOT, "%.0f", spring), sk / raw,
                        list ? "—" : String.format(Locale.ROOT, "%.2f×", sk / spring)));
            });
            Files.write(report, lines);
            lines.forEach(System.out::println);
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }
}
