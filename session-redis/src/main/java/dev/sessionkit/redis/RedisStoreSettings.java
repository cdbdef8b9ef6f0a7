package dev.sessionkit.redis;

import dev.sessionkit.EnvironmentVariables;
import dev.sessionkit.SessionConfigurationException;
import dev.sessionkit.StoreSetting;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Redis store's settings: where Redis is (one server, or the seed nodes of a Redis Cluster),
 * how long a command may take, the prefix of every key, and how long ended sessions stay for
 * audit. Built with {@link #builder()} or read with {@link #fromEnvironment(EnvironmentVariables)};
 * every value is checked when it is set, and a bad one fails with a
 * {@link SessionConfigurationException} naming its variable.
 *
 * <p>Immutable; {@link #toString()} never shows the URL, which may hold a password.
 */
public final class RedisStoreSettings {

    /**
     * {@code redis://[user:password@]host[:port][/database]} or {@code rediss://…} for TLS. With
     * {@link #SESSION_REDIS_CLUSTER_NODES} its user, password and TLS apply to every node.
     */
    public static final String REDIS_URL = "REDIS_URL";
    /** A Redis Cluster's seed nodes, {@code host:port,host:port}; set, the store speaks Redis Cluster. */
    public static final String SESSION_REDIS_CLUSTER_NODES = "SESSION_REDIS_CLUSTER_NODES";
    /** Whether {@code REDIS_URL} names a node of a Redis Cluster; default false, true with seed nodes. */
    public static final String SESSION_REDIS_CLUSTER = "SESSION_REDIS_CLUSTER";
    /** How long one command, and connecting, may take before the store reports Redis unavailable; default 2 s. */
    public static final String SESSION_REDIS_TIMEOUT = "SESSION_REDIS_TIMEOUT";
    /** The prefix of every key the store writes; default {@code sessionkit:}. */
    public static final String SESSION_REDIS_KEY_PREFIX = "SESSION_REDIS_KEY_PREFIX";
    /** How long ended and expired sessions are kept for audit; {@code 0s} for not at all; default 30 d. */
    public static final String SESSION_REDIS_AUDIT_RETENTION = "SESSION_REDIS_AUDIT_RETENTION";
    /**
     * Whether ended and moved sessions are published to every instance on the key prefix's pub/sub
     * channel, and other instances' are heard; default true. {@code false}: no {@code PUBLISH} per
     * logout, revocation, id change or sweep, and no pub/sub connection.
     */
    public static final String SESSION_REDIS_EVENTS = "SESSION_REDIS_EVENTS";

    /** Every setting, for adapters ({@code sessionkit.redis.<property>} in Spring Boot). */
    public static final List<StoreSetting> SETTINGS = List.of(
            StoreSetting.secret(REDIS_URL, "url", "the Redis server, redis://user:password@host:6379/0 or rediss://"),
            StoreSetting.of(SESSION_REDIS_CLUSTER_NODES, "cluster-nodes", "a Redis Cluster's seed nodes, host:port,host:port"),
            StoreSetting.of(SESSION_REDIS_CLUSTER, "cluster", "whether REDIS_URL names a Redis Cluster node"),
            StoreSetting.of(SESSION_REDIS_TIMEOUT, "timeout", "how long a command or connecting may take"),
            StoreSetting.of(SESSION_REDIS_KEY_PREFIX, "key-prefix", "the prefix of every key the store writes"),
            StoreSetting.of(SESSION_REDIS_AUDIT_RETENTION, "audit-retention",
                    "how long ended sessions are kept for audit, 0s for not at all"),
            StoreSetting.of(SESSION_REDIS_EVENTS, "events",
                    "announce ended and moved sessions to every instance through pub/sub"));

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9:_.\\-]{1,64}");
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9.\\-]+:[0-9]{1,5}|\\[[0-9A-Fa-f:]+\\]:[0-9]{1,5}");

    private final String url;
    private final List<String> clusterNodes;
    private final boolean cluster;
    private final Duration timeout;
    private final String keyPrefix;
    private final Duration auditRetention;
    private final boolean events;

    private RedisStoreSettings(Builder b) {
        this.url = b.url;
        this.clusterNodes = List.copyOf(b.clusterNodes);
        this.cluster = b.cluster != null ? b.cluster : !b.clusterNodes.isEmpty();
        this.timeout = b.timeout;
        this.keyPrefix = b.keyPrefix;
        this.auditRetention = b.auditRetention;
        this.events = b.events;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the variables above from {@code env}; unset and blank ones keep their defaults.
     *
     * @throws SessionConfigurationException naming the first invalid variable
     */
    public static RedisStoreSettings fromEnvironment(EnvironmentVariables env) {
        Builder b = builder();
        env.ifSet(REDIS_URL, b::url);
        env.ifList(SESSION_REDIS_CLUSTER_NODES, b::clusterNodes);
        env.ifBoolean(SESSION_REDIS_CLUSTER, b::cluster);
        env.ifDuration(SESSION_REDIS_TIMEOUT, value -> b.timeout(EnvironmentVariables.requirePositive(
                SESSION_REDIS_TIMEOUT, value)));
        env.ifSet(SESSION_REDIS_KEY_PREFIX, b::keyPrefix);
        env.ifDuration(SESSION_REDIS_AUDIT_RETENTION, b::auditRetention);
        env.ifBoolean(SESSION_REDIS_EVENTS, b::events);
        return b.build();
    }

    /** As {@link #fromEnvironment(EnvironmentVariables)}. */
    public static RedisStoreSettings fromEnvironment(Map<String, String> env) {
        return fromEnvironment(EnvironmentVariables.of(env));
    }

    /** True when {@code url} starts with {@code redis://} or {@code rediss://}. */
    public static boolean isRedisUrl(String url) {
        String text = url == null ? "" : url.trim();
        return text.startsWith("redis://") || text.startsWith("rediss://");
    }

    /** The URL, or {@code null} when only seed nodes are given. Holds the password: never log it. */
    public String url() {
        return url;
    }

    /** The seed nodes, {@code host:port} each; empty when not set. */
    public List<String> clusterNodes() {
        return clusterNodes;
    }

    /** Whether the store speaks Redis Cluster. */
    public boolean cluster() {
        return cluster;
    }

    /** The command and connect timeout. */
    public Duration timeout() {
        return timeout;
    }

    /** The prefix of every key. */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** How long ended sessions stay for audit; zero for not at all. */
    public Duration auditRetention() {
        return auditRetention;
    }

    /** {@code SESSION_REDIS_EVENTS}: whether ended and moved sessions are announced to every instance. */
    public boolean events() {
        return events;
    }

    /** The URIs the client connects to: the URL, or each seed node with the URL's credentials and TLS. */
    List<RedisURI> uris() {
        RedisURI base = url != null ? RedisURI.create(url) : null;
        if (clusterNodes.isEmpty()) {
            if (base == null) {
                return List.of();
            }
            base.setTimeout(timeout);
            return List.of(base);
        }
        List<RedisURI> uris = new ArrayList<>();
        for (String node : clusterNodes) {
            int colon = node.lastIndexOf(':');
            String host = node.substring(0, colon).replace("[", "").replace("]", "");
            RedisURI.Builder uri = RedisURI.builder().withHost(host).withPort(Integer.parseInt(node.substring(colon + 1)))
                    .withTimeout(timeout);
            if (base != null) {
                uri.withSsl(base.isSsl());
                if (base.getPassword() != null) {
                    if (base.getUsername() != null) {
                        uri.withAuthentication(base.getUsername(), base.getPassword());
                    } else {
                        uri.withPassword(base.getPassword());
                    }
                }
            }
            uris.add(uri.build());
        }
        return uris;
    }

    @Override
    public String toString() {
        return "RedisStoreSettings[url=" + (url == null ? "none" : "(set)") + ", clusterNodes=" + clusterNodes
                + ", cluster=" + cluster + ", timeout=" + timeout + ", keyPrefix=" + keyPrefix
                + ", auditRetention=" + auditRetention + ", events=" + events + "]";
    }

    /** Builds {@link RedisStoreSettings}; each setter checks its value at once. Not thread-safe. */
    public static final class Builder {

        private String url;
        private List<String> clusterNodes = List.of();
        private Boolean cluster;
        private Duration timeout = Duration.ofSeconds(2);
        private String keyPrefix = "sessionkit:";
        private Duration auditRetention = Duration.ofDays(30);
        private boolean events = true;

        private Builder() {
        }

        /**
         * The server's URL, {@code redis://} or {@code rediss://}, with an optional user,
         * password and database number.
         *
         * @throws SessionConfigurationException naming {@code REDIS_URL} when it does not parse
         *     (the message never repeats the URL, which may hold a password)
         */
        public Builder url(String value) {
            Objects.requireNonNull(value, "url");
            String text = value.trim();
            if (!isRedisUrl(text)) {
                throw new SessionConfigurationException(REDIS_URL,
                        "REDIS_URL must start with redis:// or rediss:// (redis://user:password@host:6379/0)");
            }
            RedisURI uri;
            try {
                // java.net.URI first: Lettuce passes over a port that is not a number
                if (java.net.URI.create(text).getHost() == null) {
                    throw new IllegalArgumentException("no host or a bad port");
                }
                uri = RedisURI.create(text);
            } catch (RuntimeException e) {
                throw new SessionConfigurationException(REDIS_URL,
                        "REDIS_URL is not a valid Redis URL (redis://user:password@host:6379/0)");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new SessionConfigurationException(REDIS_URL, "REDIS_URL names no host (redis://host:6379)");
            }
            if (uri.getDatabase() < 0 || uri.getDatabase() > 15) {
                throw new SessionConfigurationException(REDIS_URL, "REDIS_URL's database must be 0 to 15");
            }
            this.url = text;
            return this;
        }

        /**
         * A Redis Cluster's seed nodes, {@code host:port} each.
         *
         * @throws SessionConfigurationException naming {@code SESSION_REDIS_CLUSTER_NODES} for an
         *     entry that is not {@code host:port} with a port from 1 to 65535
         */
        public Builder clusterNodes(List<String> value) {
            Objects.requireNonNull(value, "clusterNodes");
            for (String node : value) {
                String text = node == null ? "" : node.trim();
                boolean ok = NODE.matcher(text).matches();
                if (ok) {
                    int port = Integer.parseInt(text.substring(text.lastIndexOf(':') + 1));
                    ok = port >= 1 && port <= 65535;
                }
                if (!ok) {
                    throw new SessionConfigurationException(SESSION_REDIS_CLUSTER_NODES,
                            "SESSION_REDIS_CLUSTER_NODES entry '" + text + "' is not host:port (e.g. 10.0.0.1:6379)");
                }
            }
            this.clusterNodes = value.stream().map(String::trim).toList();
            return this;
        }

        /** Whether {@code REDIS_URL} names a Redis Cluster node (true is implied by seed nodes). */
        public Builder cluster(boolean value) {
            this.cluster = value;
            return this;
        }

        /**
         * The command and connect timeout.
         *
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder timeout(Duration value) {
            Objects.requireNonNull(value, "timeout");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, not " + value);
            }
            this.timeout = value;
            return this;
        }

        /**
         * The prefix of every key: 1 to 64 letters, digits or {@code : _ . -}; no braces, which
         * would change the keys' hash slots.
         *
         * @throws SessionConfigurationException naming {@code SESSION_REDIS_KEY_PREFIX}
         */
        public Builder keyPrefix(String value) {
            Objects.requireNonNull(value, "keyPrefix");
            if (!PREFIX.matcher(value).matches()) {
                throw new SessionConfigurationException(SESSION_REDIS_KEY_PREFIX, "SESSION_REDIS_KEY_PREFIX '"
                        + value + "' must be 1 to 64 letters, digits or : _ . - (no braces)");
            }
            this.keyPrefix = value;
            return this;
        }

        /**
         * How long ended and expired sessions stay for audit; zero for not at all.
         *
         * @throws SessionConfigurationException naming {@code SESSION_REDIS_AUDIT_RETENTION} when negative
         */
        public Builder auditRetention(Duration value) {
            Objects.requireNonNull(value, "auditRetention");
            if (value.isNegative()) {
                throw new SessionConfigurationException(SESSION_REDIS_AUDIT_RETENTION,
                        "SESSION_REDIS_AUDIT_RETENTION must not be negative, not " + value);
            }
            this.auditRetention = value;
            return this;
        }

        /** {@code SESSION_REDIS_EVENTS}; default true. */
        public Builder events(boolean value) {
            this.events = value;
            return this;
        }

        /**
         * The settings. Without a URL or seed nodes they serve only a store handed a client
         * ({@link RedisSessionStore.Builder#client}); a store that makes its own fails naming
         * {@code REDIS_URL}.
         */
        public RedisStoreSettings build() {
            return new RedisStoreSettings(this);
        }
    }
}
