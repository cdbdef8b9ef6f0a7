package dev.sessionkit.bench;

import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** The in-memory store against the bare Caffeine + JSON floor, on sessions seeded in the fork. */
@State(Scope.Benchmark)
public class MemoryBenchmark {

    @Param({MemoryContender.SessionkitMemory.NAME, MemoryContender.BareCaffeine.NAME})
    public String contender;

    private MemoryContender memory;
    private int sessions;

    @Setup(Level.Trial)
    public void open() {
        sessions = Integer.getInteger(BenchConfig.SESSIONS_PROPERTY, BenchConfig.DEFAULT_SESSIONS);
        memory = MemoryContender.open(contender, sessions);
    }

    @TearDown(Level.Trial)
    public void close() {
        memory.close();
    }

    @Benchmark
    public void readOnly() {
        memory.readOnly(ThreadLocalRandom.current().nextInt(sessions));
    }

    @Benchmark
    public void modify() {
        memory.modify(ThreadLocalRandom.current().nextInt(sessions));
    }
}
