package dev.sessionkit.postgres;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * What the store's two write-behind queues ({@link TouchQueue}, {@link EventAnnouncer}) share: a
 * lock guarding the queue, a daemon thread started by the first entry, and a close that stops the
 * thread, waits for a send in flight and then sends what is left once, on the closing thread.
 * Subclasses hold the queue, decide when their thread sends ({@link #work()}) and what a send is
 * ({@link #sendQueued()}).
 */
abstract class BackgroundQueue implements AutoCloseable {

    /** Guards the subclass's queue and this class's state. */
    protected final ReentrantLock lock = new ReentrantLock();
    /** Signalled when there is work for the thread, and at close. */
    protected final Condition wake = lock.newCondition();
    /** Entries dropped: the queue was full, close had begun, or the last send at close failed. */
    protected final AtomicLong dropped = new AtomicLong();
    private final String threadName;
    private final Duration joinTimeout;
    /** Guarded by {@link #lock}. */
    private Thread thread;
    /** Guarded by {@link #lock}. */
    private boolean stopping;

    /**
     * @param threadName  the daemon thread's name
     * @param joinTimeout how long {@link #close()} waits for a send in flight
     */
    BackgroundQueue(String threadName, Duration joinTimeout) {
        this.threadName = threadName;
        this.joinTimeout = joinTimeout;
    }

    /**
     * With {@link #lock} held, before queueing: false once close has begun (nothing will send what
     * would be queued now: the caller counts it dropped); otherwise starts the thread if it is not
     * running yet and returns true.
     */
    protected final boolean openLocked() {
        if (stopping) {
            return false;
        }
        if (thread == null) {
            thread = new Thread(this::runThread, threadName);
            thread.setDaemon(true);
            thread.start();
        }
        return true;
    }

    /**
     * Waits, taking {@link #lock}, until {@code ready} holds (checked under the lock) or
     * {@code nanos} have passed ({@link Long#MAX_VALUE}: no limit); false when close has begun.
     */
    protected final boolean await(long nanos, BooleanSupplier ready) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (!stopping && !ready.getAsBoolean() && left > 0) {
                if (nanos == Long.MAX_VALUE) {
                    wake.await();
                } else {
                    left = wake.awaitNanos(left);
                }
            }
            return !stopping;
        } finally {
            lock.unlock();
        }
    }

    /** The thread's loop: waits with {@link #await}, sends, and returns when {@link #await} says close began. */
    protected abstract void work() throws InterruptedException;

    /**
     * Sends what is queued when it starts, after any send in flight (subclasses serialise sends);
     * returns the failure that stopped it, or null.
     */
    protected abstract Exception sendQueued();

    /** With {@link #lock} held: empties the queue and returns how many entries it held. */
    protected abstract int clearLocked();

    /** Logs, once, that {@code lost} entries were dropped at close because the last send failed with {@code failure}. */
    protected abstract void abandoned(int lost, Exception failure);

    /** Stops the thread, then sends what is left once; what that cannot send is dropped. Idempotent. */
    @Override
    public final void close() {
        Thread running;
        lock.lock();
        try {
            if (stopping) {
                return;
            }
            stopping = true;
            running = thread;
            wake.signal();
        } finally {
            lock.unlock();
        }
        if (running != null) {
            try {
                running.join(joinTimeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Exception failure = sendQueued();
        if (failure != null) {
            int lost;
            lock.lock();
            try {
                lost = clearLocked();
            } finally {
                lock.unlock();
            }
            dropped.addAndGet(lost);
            abandoned(lost, failure);
        }
    }

    private void runThread() {
        try {
            work();
        } catch (InterruptedException e) {
            // a daemon thread interrupted by nobody but the JVM: stop
        }
    }
}
