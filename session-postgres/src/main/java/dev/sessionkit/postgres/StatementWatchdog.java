package dev.sessionkit.postgres;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels statements that are still open past their deadline: the statement timeout of
 * {@link StatementOptions}, for one JVM, on one daemon thread.
 *
 * <p>Why not pgjdbc's own {@code setQueryTimeoutMs}: its timer schedules and cancels a
 * {@code TimerTask} on a shared {@code java.util.Timer} around every execution (a lock, a heap,
 * a wake-up of the timer thread), about 5 µs of CPU per statement on the two-core bench machine —
 * a tenth of a read-only request's client and server CPU together. Here a statement costs one
 * append to a lock-free queue: statements of one timeout are queued in the order they were
 * prepared, so their deadlines are in that order too, and the watchdog looks only at the head of
 * each queue, every {@link #TICK_MILLIS} ms: a closed statement is dropped, an open one past its
 * deadline is cancelled ({@link Statement#cancel()}, which pgjdbc makes a no-op unless the
 * statement is executing, and which does not let the executing thread reuse the connection before
 * the cancel request has been sent, as with its own timer), the first open one not yet due ends the
 * look. A deadline runs from the statement's preparation to its close; each statement the store
 * prepares is executed once.
 */
final class StatementWatchdog {

    private static final Logger LOG = LoggerFactory.getLogger(StatementWatchdog.class);

    /** How often the watchdog looks; a timeout fires at most this late. */
    static final long TICK_MILLIS = 10;

    /** The one watchdog of this JVM; its thread starts with the first statement watched. */
    static final StatementWatchdog SHARED = new StatementWatchdog();

    /** Watched statements by timeout in nanoseconds, in the order they were prepared. */
    private final Map<Long, Queue<Watched>> queues = new ConcurrentHashMap<>();
    private volatile boolean started;

    private record Watched(Statement statement, long deadline) {
    }

    private StatementWatchdog() {
    }

    /** Cancels {@code statement} if it is still open {@code timeoutNanos} from now. */
    void watch(Statement statement, long timeoutNanos) {
        if (!started) {
            start();
        }
        queues.computeIfAbsent(timeoutNanos, t -> new ConcurrentLinkedQueue<>())
                .add(new Watched(statement, System.nanoTime() + timeoutNanos));
    }

    private synchronized void start() {
        if (started) {
            return;
        }
        Thread thread = new Thread(this::run, "sessionkit-statement-timeout");
        thread.setDaemon(true);
        thread.start();
        started = true;
    }

    private void run() {
        while (true) {
            try {
                TimeUnit.MILLISECONDS.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                // a daemon of the JVM: it stops with it, not when interrupted
            }
            for (Queue<Watched> queue : queues.values()) {
                try {
                    look(queue, System.nanoTime());
                } catch (RuntimeException e) {
                    LOG.warn("sessionkit: the statement timeout watchdog failed ({}); it goes on", e.getClass().getSimpleName());
                }
            }
        }
    }

    /** Statements watched and not yet dropped (closed ones go at the next look). */
    int watched() {
        return queues.values().stream().mapToInt(Queue::size).sum();
    }

    /** Drops the closed statements at the head of {@code queue} and cancels the open ones due. */
    private static void look(Queue<Watched> queue, long now) {
        for (Watched head = queue.peek(); head != null; head = queue.peek()) {
            boolean closed;
            try {
                closed = head.statement().isClosed();
            } catch (SQLException | RuntimeException e) {
                closed = true; // nothing left to cancel on a statement that cannot answer
            }
            if (!closed && now - head.deadline() < 0) {
                return;
            }
            queue.poll();
            if (!closed) {
                cancel(head.statement());
            }
        }
    }

    private static void cancel(Statement statement) {
        try {
            statement.cancel();
            LOG.debug("sessionkit: a statement ran past the statement timeout; cancel requested");
        } catch (SQLException | RuntimeException e) {
            LOG.debug("sessionkit: cancelling a statement past the statement timeout failed ({})",
                    e.getClass().getSimpleName());
        }
    }
}
