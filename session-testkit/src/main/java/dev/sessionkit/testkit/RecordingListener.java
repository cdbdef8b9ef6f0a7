package dev.sessionkit.testkit;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionListener;
import dev.sessionkit.SessionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * A {@link SessionListener} that writes down what it hears, for tests of events across instances:
 * {@code destroyed:<status>:<key>}, {@code expired:<key>}, {@code moved:<old key>:<new key>},
 * {@code elsewhere:<status>:<key>}, {@code elsewhere-moved:<old key>:<new key>} and {@code missed};
 * keys as lookup keys in hex. Thread-safe.
 */
public final class RecordingListener implements SessionListener {

    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    /** A listener that has heard nothing yet. */
    public RecordingListener() {
    }

    @Override
    public void sessionDestroyed(LookupKey key, SessionStatus reason) {
        events.add("destroyed:" + reason.code() + ":" + key.value());
    }

    @Override
    public void sessionExpired(LookupKey key) {
        events.add("expired:" + key.value());
    }

    @Override
    public void sessionIdChanged(LookupKey oldKey, SessionData session) {
        events.add("moved:" + oldKey.value() + ":" + session.key().value());
    }

    @Override
    public void sessionEndedElsewhere(LookupKey key, SessionStatus reason) {
        events.add("elsewhere:" + reason.code() + ":" + key.value());
    }

    @Override
    public void sessionIdChangedElsewhere(LookupKey oldKey, LookupKey newKey) {
        events.add("elsewhere-moved:" + oldKey.value() + ":" + newKey.value());
    }

    @Override
    public void eventsMissed(Instant from, Instant to) {
        events.add("missed");
    }

    /** What was heard so far, in order. */
    public List<String> snapshot() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /**
     * Waits until an event matching {@code wanted} was heard.
     *
     * @return how long it took
     * @throws AssertionError when none came within {@code atMost}
     */
    public Duration await(Predicate<String> wanted, Duration atMost) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            if (snapshot().stream().anyMatch(wanted)) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            Thread.sleep(5);
        }
        throw new AssertionError("not heard within " + atMost + "; heard " + snapshot());
    }
}
