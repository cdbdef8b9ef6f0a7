package dev.sessionkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionkit.LookupKey;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.Touch;
import dev.sessionkit.testkit.Fixtures;
import dev.sessionkit.testkit.MutableClock;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The queue on its own, with a writer that records batches or fails on demand: what a failed
 * batch does to the queue, deadlock victims, the log of an outage, and close.
 */
final class TouchQueueTest {

    private static final Instant T0 = MutableClock.DEFAULT_START;
    /** The thread never writes on its own in these tests: every write is a flush or close on the test's thread. */
    private static final Duration QUIET = Duration.ofMinutes(1);

    /** Records each batch; fails while {@link #failures} is positive, with {@link #state}. */
    private static final class Writer implements TouchQueue.Writer {
        final List<List<TouchQueue.Entry>> batches = new CopyOnWriteArrayList<>();
        final AtomicInteger failures = new AtomicInteger();
        volatile String state = "08001";

        @Override
        public int write(List<TouchQueue.Entry> batch) throws SQLException {
            if (failures.getAndDecrement() > 0) {
                throw "08001".equals(state) ? new SQLTransientConnectionException("down", state)
                        : new SQLException("deadlock", state);
            }
            batches.add(List.copyOf(batch));
            return batch.size();
        }
    }

    private static Touch touchAt(Instant at) {
        return new Touch(at, at.plus(Fixtures.IDLE_TIMEOUT));
    }

    @Test
    void aFailedBatchGoesBackInFrontMergedWithNewerTouchesAndTheBoundDropsTheOldest() {
        Writer writer = new Writer();
        TouchQueue queue = new TouchQueue("\"t\"", writer, QUIET, 10, 3);
        LookupKey a = Fixtures.newKey();
        LookupKey b = Fixtures.newKey();
        LookupKey c = Fixtures.newKey();
        LookupKey d = Fixtures.newKey();
        queue.add(a, touchAt(T0.plusSeconds(1)), T0.plusSeconds(1));
        queue.add(b, touchAt(T0.plusSeconds(2)), T0.plusSeconds(2));
        writer.failures.set(1);

        assertThatThrownBy(queue::flush).isInstanceOfSatisfying(StoreUnavailableException.class,
                e -> assertThat(e.operation()).isEqualTo("flush"));
        assertThat(queue.counts()).isEqualTo(new TouchQueue.Counts(2, 0, 0, 2));

        queue.add(b, touchAt(T0.plusSeconds(5)), T0.plusSeconds(5)); // merged into b, b keeps its place
        queue.add(c, touchAt(T0.plusSeconds(3)), T0.plusSeconds(3));
        queue.add(d, touchAt(T0.plusSeconds(4)), T0.plusSeconds(4)); // full: a, the oldest, goes
        queue.flush();

        assertThat(writer.batches).hasSize(1);
        List<TouchQueue.Entry> written = writer.batches.get(0);
        assertThat(written).extracting(TouchQueue.Entry::key).containsExactly(b, c, d);
        assertThat(written.get(0).lastAccessedAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(written.get(0).now()).as("the earliest request that saw b live").isEqualTo(T0.plusSeconds(2));
        assertThat(queue.counts()).isEqualTo(new TouchQueue.Counts(5, 3, 1, 0));
        queue.close();
    }

    @Test
    void aDeadlockVictimIsWrittenAgainInTheSameFlush() {
        Writer writer = new Writer();
        writer.state = "40P01";
        TouchQueue queue = new TouchQueue("\"t\"", writer, QUIET, 2, 100);
        List<LookupKey> keys = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            keys.add(Fixtures.newKey());
            queue.add(keys.get(i), touchAt(T0), T0);
        }
        writer.failures.set(2);

        String log = stderrOf(queue::flush);

        assertThat(writer.batches).extracting(List::size).containsExactly(2, 2, 1);
        assertThat(queue.counts()).isEqualTo(new TouchQueue.Counts(5, 5, 0, 0));
        assertThat(log).as("a deadlock victim is no outage").doesNotContain("WARN");
        queue.close();
    }

    @Test
    void anOutageLogsOneWarningWithoutKeysAndKeepsEveryTouchWithinTheBound() {
        Writer writer = new Writer();
        TouchQueue queue = new TouchQueue("\"t\"", writer, QUIET, 10, 100);
        LookupKey key = Fixtures.newKey();
        queue.add(key, touchAt(T0), T0);
        writer.failures.set(3);

        String log = stderrOf(() -> {
            for (int attempt = 0; attempt < 3; attempt++) {
                assertThatThrownBy(queue::flush).isInstanceOf(StoreUnavailableException.class);
            }
            queue.flush();
        });

        assertThat(log.split("touches are not being written", -1)).as(log).hasSize(2);
        assertThat(log).contains("WARN").contains("SQLState 08001").doesNotContain(key.value())
                .doesNotContain(key.prefix()).doesNotContain("down");
        assertThat(queue.counts()).isEqualTo(new TouchQueue.Counts(1, 1, 0, 0));
        queue.close();
    }

    @Test
    void closeWritesWhatIsQueuedAndCountsWhatItCannotWrite() {
        Writer writer = new Writer();
        TouchQueue queue = new TouchQueue("\"t\"", writer, QUIET, 10, 100);
        queue.add(Fixtures.newKey(), touchAt(T0), T0);
        queue.add(Fixtures.newKey(), touchAt(T0), T0);
        writer.failures.set(1);

        String log = stderrOf(queue::close);

        assertThat(log).contains("2 queued touches were not written at close");
        assertThat(queue.counts()).isEqualTo(new TouchQueue.Counts(2, 0, 2, 0));
        queue.add(Fixtures.newKey(), touchAt(T0), T0);
        assertThat(queue.counts()).as("a touch after close is dropped").isEqualTo(new TouchQueue.Counts(3, 0, 3, 0));
    }

    /** What the loggers write to standard error (slf4j-simple, WARN and above in the tests) while {@code work} runs. */
    private static String stderrOf(Runnable work) {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            work.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
