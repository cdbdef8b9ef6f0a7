package dev.sessionkit.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything one run measured; {@link ReportWriter} turns it into Markdown and JSON. */
final class Results {

    /** Operations per second of one shape, contender and thread count, over the measured iterations. */
    record Throughput(String suite, String shape, String contender, int threads, double median, double min,
            double max, List<Double> iterations) {
    }

    /** Per operation, from the statement probe. */
    record Statements(String contender, String shape, int ops, double statements, double roundTrips,
            double commits) {
    }

    /** One contender's purge of {@code rows} expired sessions, and what a concurrent request loop saw. */
    record Purge(String contender, int rows, List<Double> millis, double medianMillis, double minMillis,
            double maxMillis, double idleP99Millis, double purgeP99Millis, int idleSamples, int purgeSamples,
            long loopErrors, long expiredLeft) {
    }

    /** One wrk run. */
    record Http(String store, String endpoint, double requestsPerSecond, double p99Millis, long errors,
            String note) {
    }

    /**
     * One round of a demo under wrk: the session endpoint, then the no-session endpoint, in the same
     * process; {@code ratio} is session / no-session requests per second of that round.
     */
    record HttpRound(String demo, String store, int round, double sessionRps, double healthRps, double ratio) {
    }

    /** A JFR profile, summarised. */
    record Profile(String shape, long executionSamples, long nativeSamples, List<Share> byComponent,
            List<Share> topSelf, List<Share> topSessionkitInclusive, List<Share> topNative) {
    }

    /** A name and its share of samples. */
    record Share(String name, long samples, double percent) {
    }

    /**
     * Two contenders in alternating rounds ({@link Interleaved}): operations per second of each per
     * round, the ratio a / b per round, and the median and range of those ratios.
     */
    record Paired(String suite, String shape, String a, String b, int threads, long sliceMillis, List<Double> aRates,
            List<Double> bRates, List<Double> ratios, double medianRatio, double minRatio, double maxRatio) {
    }

    /** A target of issue 7 and whether it was met. */
    record Target(String target, String required, String measured, String verdict) {
    }

    final Map<String, String> machine;
    final BenchConfig config;
    final List<Throughput> throughput = new ArrayList<>();
    final List<Statements> statements = new ArrayList<>();
    final List<Purge> purges = new ArrayList<>();
    final List<Http> http = new ArrayList<>();
    final List<HttpRound> httpRounds = new ArrayList<>();
    final List<Profile> profiles = new ArrayList<>();
    final List<Paired> paired = new ArrayList<>();
    final List<String> notes = new ArrayList<>();

    Results(Map<String, String> machine, BenchConfig config) {
        this.machine = machine;
        this.config = config;
    }

    Optional<Throughput> throughput(String suite, String shape, String contender, int threads) {
        return throughput.stream().filter(t -> t.suite().equals(suite) && t.shape().equals(shape)
                && t.contender().equals(contender) && t.threads() == threads).findFirst();
    }

    Optional<Statements> statements(String contender, String shape) {
        return statements.stream().filter(s -> s.contender().equals(contender) && s.shape().equals(shape))
                .findFirst();
    }

    Optional<Paired> paired(String suite, String shape, int threads) {
        return paired.stream().filter(p -> p.suite().equals(suite) && p.shape().equals(shape) && p.threads() == threads)
                .findFirst();
    }

    Optional<Purge> purge(String contender) {
        return purges.stream().filter(p -> p.contender().equals(contender)).findFirst();
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
