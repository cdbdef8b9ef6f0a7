package dev.sessionkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.testkit.Fixtures;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The announcer on its own, with a sender that records what it is given or fails on demand: the
 * order and grouping of notifications, failure and retry, the bound, close, and the rate of
 * notifying transactions. What other instances hear through a real PostgreSQL is in
 * {@link ClusterEventsTest}.
 */
final class EventAnnouncerTest {

    private static final String ORIGIN = "0123456789abcdef01234567";

    /** Records each statement's payloads; fails while {@link #failures} is positive; may wait on {@link #gate}. */
    private static final class Sender implements EventAnnouncer.Sender {
        final List<List<String>> statements = new CopyOnWriteArrayList<>();
        final AtomicInteger failures = new AtomicInteger();
        volatile CountDownLatch gate = new CountDownLatch(0);
        final CountDownLatch entered = new CountDownLatch(1);
        /** How long each send takes, as a connection, the notify lock and the WAL flush would. */
        volatile long sendMillis;

        @Override
        public void send(List<String> payloads) throws SQLException {
            entered.countDown();
            if (sendMillis > 0) {
                try {
                    Thread.sleep(sendMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failures.getAndDecrement() > 0) {
                throw new SQLTransientConnectionException("down", "08001");
            }
            statements.add(List.copyOf(payloads));
        }

        List<EventPayload> heard() {
            List<EventPayload> heard = new ArrayList<>();
            for (List<String> statement : statements) {
                for (String payload : statement) {
                    heard.add(EventPayload.parse(payload).orElseThrow(() -> new AssertionError("unreadable: " + payload)));
                }
            }
            return heard;
        }
    }

    private static List<LookupKey> keys(int count) {
        List<LookupKey> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add(Fixtures.newKey());
        }
        return keys;
    }

    /** Every key the notifications carry, in order, each as "reason:key" or "moved:old>new". */
    private static List<String> flattened(List<EventPayload> heard) {
        List<String> events = new ArrayList<>();
        for (EventPayload payload : heard) {
            assertThat(payload.origin()).isEqualTo(ORIGIN);
            if (payload.newKey() != null) {
                events.add("moved:" + payload.key().value() + ">" + payload.newKey().value());
            } else {
                payload.keys().forEach(key -> events.add(payload.event() + ":" + key.value()));
            }
        }
        return events;
    }

    @Test
    void eventsGoOutInOrderAndConsecutiveEndsOfOneReasonShareANotificationOfAtMostAHundredKeys() {
        Sender sender = new Sender();
        sender.gate = new CountDownLatch(1); // the thread's first send waits, so the rest queue behind it
        EventAnnouncer announcer = new EventAnnouncer("\"t\"", ORIGIN, sender);
        List<LookupKey> first = keys(1);
        List<LookupKey> many = keys(250);
        List<LookupKey> revoked = keys(2);
        LookupKey from = Fixtures.newKey();
        LookupKey to = Fixtures.newKey();
        List<String> expected = new ArrayList<>();

        announcer.ended(SessionStatus.LOGGED_OUT, first);
        first.forEach(k -> expected.add("logged_out:" + k.value()));
        awaitEntered(sender);
        announcer.ended(SessionStatus.LOGGED_OUT, many);
        many.forEach(k -> expected.add("logged_out:" + k.value()));
        announcer.moved(from, to);
        expected.add("moved:" + from.value() + ">" + to.value());
        announcer.ended(SessionStatus.REVOKED, revoked);
        revoked.forEach(k -> expected.add("revoked:" + k.value()));
        announcer.ended(SessionStatus.REVOKED, List.of());
        sender.gate.countDown();
        announcer.flush();

        List<EventPayload> heard = sender.heard();
        assertThat(flattened(heard)).containsExactlyElementsOf(expected);
        // the first alone; then 250 ends as 100 + 100 + 50, the move, the two revocations together
        assertThat(heard).extracting(p -> p.keys().size()).containsExactly(1, 100, 100, 50, 1, 2);
        assertThat(sender.statements).hasSize(2);
        // PostgreSQL refuses a payload of 8,000 bytes or more
        assertThat(sender.statements).allSatisfy(statement -> assertThat(statement)
                .allSatisfy(payload -> assertThat(payload.length()).isLessThan(8000)));
        EventAnnouncer.Counts counts = announcer.counts();
        assertThat(counts.queued()).isEqualTo(254);
        assertThat(counts.sent()).isEqualTo(254);
        assertThat(counts.dropped()).isZero();
        assertThat(counts.pending()).isZero();
        assertThat(counts.statements()).isEqualTo(2);
        announcer.close();
    }

    @Test
    void aFailedSendKeepsTheEventsForTheNextAttemptAndFlushSaysTheStoreIsUnavailable() {
        Sender sender = new Sender();
        sender.failures.set(Integer.MAX_VALUE);
        EventAnnouncer announcer = new EventAnnouncer("\"t\"", ORIGIN, sender);
        List<LookupKey> ended = keys(3);
        LookupKey from = Fixtures.newKey();
        LookupKey to = Fixtures.newKey();

        announcer.ended(SessionStatus.LOGGED_OUT, ended.subList(0, 2));
        announcer.moved(from, to);
        announcer.ended(SessionStatus.LOGGED_OUT, ended.subList(2, 3));
        assertThatThrownBy(announcer::flush).isInstanceOf(StoreUnavailableException.class)
                .hasMessageNotContaining(from.value());
        assertThat(announcer.counts().pending()).isEqualTo(4);

        sender.failures.set(0);
        announcer.flush();

        assertThat(flattened(sender.heard())).containsExactly("logged_out:" + ended.get(0).value(),
                "logged_out:" + ended.get(1).value(), "moved:" + from.value() + ">" + to.value(),
                "logged_out:" + ended.get(2).value());
        assertThat(announcer.counts().sent()).isEqualTo(4);
        assertThat(announcer.counts().dropped()).isZero();
        announcer.close();
    }

    @Test
    void beyondItsBoundTheQueueDropsTheOldestAndCountsThem() throws Exception {
        Sender sender = new Sender();
        sender.gate = new CountDownLatch(1);
        EventAnnouncer announcer = new EventAnnouncer("\"t\"", ORIGIN, sender);
        announcer.ended(SessionStatus.EXPIRED, keys(1)); // taken by the thread, which then waits
        awaitEntered(sender);
        List<LookupKey> queued = keys(EventAnnouncer.CAPACITY + 5);

        announcer.ended(SessionStatus.REVOKED, queued);

        assertThat(announcer.counts().dropped()).isEqualTo(5);
        assertThat(announcer.counts().pending()).isEqualTo(EventAnnouncer.CAPACITY);
        sender.gate.countDown();
        announcer.flush();
        List<String> heard = flattened(sender.heard());
        assertThat(heard).hasSize(1 + EventAnnouncer.CAPACITY);
        assertThat(heard.get(1)).isEqualTo("revoked:" + queued.get(5).value());
        assertThat(heard.get(heard.size() - 1)).isEqualTo("revoked:" + queued.get(queued.size() - 1).value());
        announcer.close();
    }

    @Test
    void closeSendsWhatIsLeftAndDropsWhatComesAfter() {
        Sender sender = new Sender();
        sender.gate = new CountDownLatch(1);
        EventAnnouncer announcer = new EventAnnouncer("\"t\"", ORIGIN, sender);
        announcer.ended(SessionStatus.EXPIRED, keys(1));
        awaitEntered(sender);
        List<LookupKey> left = keys(3);
        announcer.ended(SessionStatus.LOGGED_OUT, left);
        sender.gate.countDown();

        announcer.close();
        announcer.moved(Fixtures.newKey(), Fixtures.newKey());

        assertThat(flattened(sender.heard())).hasSize(4).contains("logged_out:" + left.get(2).value());
        assertThat(announcer.counts().dropped()).isEqualTo(1);
        assertThat(announcer.counts().pending()).isZero();
    }

    @Test
    void closeDropsAndCountsWhatItCannotSend() {
        Sender sender = new Sender();
        sender.failures.set(Integer.MAX_VALUE);
        EventAnnouncer announcer = new EventAnnouncer("\"t\"", ORIGIN, sender);
        announcer.ended(SessionStatus.LOGGED_OUT, keys(2));

        announcer.close();

        assertThat(sender.statements).isEmpty();
        assertThat(announcer.counts().dropped()).isEqualTo(2);
        assertThat(announcer.counts().pending()).isZero();
    }

    @Test
    void eventsArrivingAllTheTimeAreSentInAtMostOneStatementPerPause() throws Exception {
        Sender sender = new Sender();
        EventAnnouncer announcer = new EventAnnouncer("\"t\"", ORIGIN, sender);
        long started = System.nanoTime();
        int events = 0;
        while (System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(400)) {
            announcer.ended(SessionStatus.LOGGED_OUT, keys(1));
            events++;
            Thread.sleep(1);
        }
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        announcer.close();

        assertThat(flattened(sender.heard())).hasSize(events);
        // the thread sends, then pauses: never more statements than pauses in the time, plus the one of close
        assertThat(sender.statements.size()).as("%d events in %d ms", events, elapsedMillis)
                .isLessThanOrEqualTo((int) (elapsedMillis / EventAnnouncer.PAUSE.toMillis()) + 2)
                .isLessThan(events);
    }

    @Test
    @org.junit.jupiter.api.Timeout(30) // a flush that chased the events queued after it began would never return
    void aSlowDatabaseStillSeesOneSendPerPauseAndFlushReturnsWhileEventsKeepComing() throws Exception {
        Sender sender = new Sender();
        sender.sendMillis = 5;
        EventAnnouncer announcer = new EventAnnouncer("\"t\"", ORIGIN, sender);
        java.util.concurrent.atomic.AtomicBoolean ending = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread sessionsEnding = new Thread(() -> {
            while (ending.get()) {
                announcer.ended(SessionStatus.LOGGED_OUT, keys(1));
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
        });
        long started = System.nanoTime();
        sessionsEnding.start();
        Thread.sleep(400);
        long flushStarted = System.nanoTime();
        announcer.flush();
        long flushMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - flushStarted);
        Thread.sleep(100);
        ending.set(false);
        sessionsEnding.join();
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        int statements = sender.statements.size();
        announcer.close();

        assertThat(flushMillis).as("flush sends what was queued when it began").isLessThan(2_000);
        assertThat(statements).as("statements in %d ms", elapsedMillis)
                .isLessThanOrEqualTo((int) (elapsedMillis / EventAnnouncer.PAUSE.toMillis()) + 3);
        assertThat(announcer.counts().sent()).isEqualTo(announcer.counts().queued());
    }

    @Test
    void anUnexpectedFailureOfTheSenderKeepsTheEventsAndTheThread() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<String> sent = new CopyOnWriteArrayList<>();
        EventAnnouncer announcer = new EventAnnouncer("\"t\"", ORIGIN, payloads -> {
            if (broken.get()) {
                throw new IllegalStateException("a bug");
            }
            sent.addAll(payloads);
        });
        List<LookupKey> ended = keys(2);
        announcer.ended(SessionStatus.REVOKED, ended.subList(0, 1));
        assertThatThrownBy(announcer::flush).isInstanceOf(StoreUnavailableException.class);
        // kept, not dropped (queued, or in the thread's own failing attempt at this moment)
        assertThat(announcer.counts().dropped()).isZero();
        assertThat(announcer.counts().sent()).isZero();

        broken.set(false);
        announcer.ended(SessionStatus.REVOKED, ended.subList(1, 2));
        // the thread, still alive, sends both on its own after its retry pause
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (announcer.counts().sent() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }

        List<LookupKey> heard = new ArrayList<>();
        sent.forEach(payload -> heard.addAll(EventPayload.parse(payload).orElseThrow().keys()));
        assertThat(heard).containsExactlyElementsOf(ended);
        announcer.close();
    }

    private static void awaitEntered(Sender sender) {
        try {
            assertThat(sender.entered.await(10, TimeUnit.SECONDS)).as("the thread began a send").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
