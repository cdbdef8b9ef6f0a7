package dev.sessionkit.postgres;

import dev.sessionkit.SessionStatus;
import dev.sessionkit.StoreEvents;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dedicated connection that {@code LISTEN}s on a table's channel and hands what other
 * instances announced to the store's subscribers. Runs on its own daemon thread; when the
 * connection or the database goes away it reconnects by itself, backing off from 100 ms to 5 s,
 * and once it is back says in one WARN line (and to each subscriber, {@link StoreEvents#missed})
 * which span it did not hear. A silently dead connection is found by a {@code SELECT 1} every few
 * seconds of quiet.
 */
final class EventFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventFeed.class);
    private static final int POLL_MILLIS = 250;
    private static final long CHECK_NANOS = 3_000_000_000L;
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    /** Opens the feed's connection. */
    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    private final String table;
    private final String channel;
    private final String origin;
    private final Connector connector;
    private final Clock clock;
    private final List<StoreEvents> subscribers = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile Connection current;
    private volatile boolean listening;

    EventFeed(String table, String channel, String origin, Connector connector, Clock clock) {
        this.table = table;
        this.channel = channel;
        this.origin = origin;
        this.connector = connector;
        this.clock = clock;
        this.thread = new Thread(this::run, "sessionkit-events");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void add(StoreEvents events) {
        subscribers.add(events);
    }

    /** Removes a subscriber; true when none is left. */
    boolean remove(StoreEvents events) {
        subscribers.remove(events);
        return subscribers.isEmpty();
    }

    /** Whether the feed's {@code LISTEN} is in place now (for tests and health). */
    boolean listening() {
        return listening;
    }

    private void run() {
        Instant lostAt = null;
        long backoff = FIRST_BACKOFF_MILLIS;
        while (!closed) {
            Instant lastHeard = null;
            try (Connection connection = connector.connect()) {
                current = connection;
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN \"" + channel + "\"");
                }
                listening = true;
                lastHeard = clock.instant();
                if (lostAt != null) {
                    Instant from = lostAt;
                    LOG.warn("[{}] session event feed reconnected; events other instances announced between {} and {}"
                            + " were missed", table, from, lastHeard);
                    Instant to = lastHeard;
                    subscribers.forEach(s -> deliver(() -> s.missed(from, to)));
                    lostAt = null;
                } else {
                    LOG.info("[{}] listening for session events of other instances on channel {}", table, channel);
                }
                backoff = FIRST_BACKOFF_MILLIS;
                PGConnection pg = connection.unwrap(PGConnection.class);
                long lastCheck = System.nanoTime();
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            handle(notification);
                        }
                    }
                    if (System.nanoTime() - lastCheck > CHECK_NANOS) {
                        try (Statement statement = connection.createStatement()) {
                            statement.execute("SELECT 1");
                        }
                        lastCheck = System.nanoTime();
                    }
                    lastHeard = clock.instant();
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (closed) {
                    break;
                }
                if (lostAt == null) {
                    lostAt = lastHeard != null ? lastHeard : clock.instant();
                    LOG.warn("[{}] session event feed lost its connection ({}); reconnecting", table, describe(e));
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            } finally {
                listening = false;
                current = null;
            }
        }
    }

    private void handle(PGNotification notification) {
        if (!channel.equals(notification.getName())) {
            return;
        }
        Optional<EventPayload> parsed = EventPayload.parse(notification.getParameter());
        if (parsed.isEmpty()) {
            LOG.debug("[{}] ignored a notification this version cannot read", table);
            return;
        }
        EventPayload event = parsed.get();
        if (event.origin().equals(origin)) {
            return; // this instance's own: its listeners heard it when it happened
        }
        if (event.newKey() != null) {
            subscribers.forEach(s -> deliver(() -> s.idChanged(event.key(), event.newKey())));
        } else {
            SessionStatus reason = event.reason().orElseThrow();
            for (dev.sessionkit.LookupKey key : event.keys()) {
                subscribers.forEach(s -> deliver(() -> s.ended(key, reason)));
            }
        }
    }

    private void deliver(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("[{}] a session event subscriber failed; the feed goes on", table, e);
        }
    }

    /** The failure without its message, which may quote the server. */
    private static String describe(Exception e) {
        return e instanceof SQLException sql && sql.getSQLState() != null
                ? "SQLState " + sql.getSQLState() : e.getClass().getSimpleName();
    }

    @Override
    public void close() {
        closed = true;
        Connection connection = current;
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("[{}] closing the event feed's connection failed", table, e);
            }
        }
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
