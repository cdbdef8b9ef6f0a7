/**
 * Benchmarks of sessionkit side by side with its peers: {@link dev.sessionkit.bench.BenchMain} is
 * the entry point (one command, {@code session-bench/run.sh}); it starts or finds PostgreSQL, seeds
 * every contender, runs the JMH benchmarks ({@link dev.sessionkit.bench.PostgresBenchmark},
 * {@link dev.sessionkit.bench.MemoryBenchmark}), the statement probe, the purge comparison, the
 * HTTP run and the JFR profile, and writes {@code target/bench-report.md} and
 * {@code target/bench-report.json}.
 *
 * <p>Nothing here is a public API; JMH needs its benchmark and state classes public.
 */
package dev.sessionkit.bench;
