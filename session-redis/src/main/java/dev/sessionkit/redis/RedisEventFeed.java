package dev.sessionkit.redis;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.StoreEvents;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session events between instances through Redis pub/sub, on one channel per key prefix
 * ({@code <prefix>events}). A store announces what it ends or moves with {@code PUBLISH} after the
 * script that did it, without waiting for the answer; the first subscriber opens one pub/sub
 * connection, which Lettuce reconnects and resubscribes by itself. On a Redis Cluster a message
 * published on any node reaches a subscriber on any other (classic pub/sub is cluster-wide).
 *
 * <p>A message is {@code 1|<origin>|<event>|<key>[,<key>…]} (event: the status the sessions ended
 * with) or {@code 1|<origin>|moved|<old key>|<new key>}; keys are lookup keys in hex, never ids;
 * origin is the announcing store's random instance id, so a store does not hear itself. Delivery is
 * at most once: a message published while a subscriber's connection is down is lost, and the
 * subscriber is told the gap ({@link StoreEvents#missed}). Calls to subscribers come on one thread
 * of the feed, in order.
 */
final class RedisEventFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisEventFeed.class);

    /** How many ended keys one message carries at most. */
    static final int KEYS_PER_MESSAGE = 100;
    private static final String VERSION = "1";
    private static final String MOVED = "moved";

    private final String channel;
    private final String origin = UUID.randomUUID().toString().substring(0, 8);
    private final Clock clock;
    private final boolean enabled;
    private final List<StoreEvents> subscribers = new CopyOnWriteArrayList<>();
    private ExecutorService delivery;
    private StatefulRedisPubSubConnection<String, String> connection;
    private RedisConnectionStateListener stateListener;
    private AbstractRedisClient client;
    private volatile Instant downSince;
    private volatile boolean subscribed;

    /** @param enabled false for {@code SESSION_REDIS_EVENTS=false}: nothing is published, no subscriber is added */
    RedisEventFeed(String prefix, Clock clock, boolean enabled) {
        this.channel = prefix + "events";
        this.clock = clock;
        this.enabled = enabled;
    }

    String channel() {
        return channel;
    }

    /** Announces that {@code keys} ended with {@code reason}, in messages of up to {@value #KEYS_PER_MESSAGE} keys. */
    void announceEnded(RedisClusterAsyncCommands<String, String> redis, SessionStatus reason, List<String> keys) {
        if (!enabled) {
            return;
        }
        for (int from = 0; from < keys.size(); from += KEYS_PER_MESSAGE) {
            List<String> part = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_MESSAGE));
            publish(redis, VERSION + "|" + origin + "|" + reason.code() + "|" + String.join(",", part));
        }
    }

    /** Announces that the session under {@code oldKey} moved to {@code newKey}. */
    void announceMoved(RedisClusterAsyncCommands<String, String> redis, String oldKey, String newKey) {
        if (!enabled) {
            return;
        }
        publish(redis, VERSION + "|" + origin + "|" + MOVED + "|" + oldKey + "|" + newKey);
    }

    private void publish(RedisClusterAsyncCommands<String, String> redis, String message) {
        try {
            redis.publish(channel, message).whenComplete((receivers, failure) -> {
                if (failure != null) {
                    LOG.debug("sessionkit: redis event not published: {}", failure.getClass().getSimpleName());
                }
            });
        } catch (RedisException e) {
            // the request's own write succeeded; only other instances' listeners miss this one
            LOG.debug("sessionkit: redis event not published: {}", e.getClass().getSimpleName());
        }
    }

    /**
     * Adds a subscriber; the first one opens the pub/sub connection on {@code redisClient}
     * ({@code uri}: the server to connect to, null for a cluster's or the client's own).
     */
    synchronized void add(StoreEvents events, AbstractRedisClient redisClient, RedisURI uri) {
        if (!enabled) {
            return;
        }
        subscribers.add(events);
        if (connection != null) {
            return;
        }
        this.client = redisClient;
        delivery = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sessionkit-redis-events");
            t.setDaemon(true);
            return t;
        });
        stateListener = new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                if (handler == connection && downSince == null) {
                    downSince = clock.instant();
                    LOG.warn("sessionkit: redis session event feed disconnected; reconnecting");
                }
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                Instant since = downSince;
                if (handler == connection && since != null) {
                    downSince = null;
                    Instant now = clock.instant();
                    LOG.warn("sessionkit: redis session event feed reconnected; events other instances announced"
                            + " between {} and {} were missed", since, now);
                    deliver(s -> s.missed(since, now));
                }
            }
        };
        redisClient.addListener(stateListener);
        try {
            connection = redisClient instanceof RedisClusterClient cluster ? cluster.connectPubSub(StringCodec.UTF8)
                    : uri == null ? ((RedisClient) redisClient).connectPubSub(StringCodec.UTF8)
                    : ((RedisClient) redisClient).connectPubSub(StringCodec.UTF8, uri);
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String from, String message) {
                    if (channel.equals(from)) {
                        receive(message);
                    }
                }
            });
            connection.sync().subscribe(channel);
            subscribed = true;
        } catch (RedisException e) {
            // the store itself works; this instance hears nothing of others until a restart
            LOG.warn("sessionkit: redis session event feed could not subscribe ({}); sessions ended on other"
                    + " instances are not reported here", e.getClass().getSimpleName());
            downSince = clock.instant();
        }
    }

    /** Removes a subscriber; returns whether none is left. */
    synchronized boolean remove(StoreEvents events) {
        subscribers.remove(events);
        return subscribers.isEmpty();
    }

    /** Whether the feed is subscribed and connected now (tests). */
    boolean listening() {
        return subscribed && downSince == null && connection != null && connection.isOpen();
    }

    void receive(String message) {
        String[] parts = message.split("\\|", -1);
        if (parts.length < 4 || !VERSION.equals(parts[0]) || origin.equals(parts[1])) {
            return; // another format, or this store's own announcement
        }
        try {
            if (MOVED.equals(parts[2]) && parts.length == 5) {
                LookupKey oldKey = new LookupKey(parts[3]);
                LookupKey newKey = new LookupKey(parts[4]);
                deliver(s -> s.idChanged(oldKey, newKey));
                return;
            }
            SessionStatus reason = SessionStatus.fromCode(parts[2]);
            List<LookupKey> keys = new ArrayList<>();
            for (String k : parts[3].split(",")) {
                keys.add(new LookupKey(k));
            }
            deliver(s -> keys.forEach(key -> s.ended(key, reason)));
        } catch (IllegalArgumentException e) {
            LOG.debug("sessionkit: ignoring a malformed redis session event");
        }
    }

    private void deliver(java.util.function.Consumer<StoreEvents> call) {
        ExecutorService executor = delivery;
        if (executor == null || executor.isShutdown()) {
            return;
        }
        try {
            executor.execute(() -> {
                for (StoreEvents subscriber : subscribers) {
                    try {
                        call.accept(subscriber);
                    } catch (RuntimeException e) {
                        LOG.warn("sessionkit: a session event subscriber failed: {}", e.getClass().getSimpleName());
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    @Override
    public synchronized void close() {
        subscribed = false;
        if (client != null && stateListener != null) {
            client.removeListener(stateListener);
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (RedisException e) {
                LOG.debug("sessionkit: closing the redis event connection failed", e);
            }
            connection = null;
        }
        if (delivery != null) {
            delivery.shutdown();
            try {
                delivery.awaitTermination(Duration.ofSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
