package dev.sessionkit.postgres;

import dev.sessionkit.EnvironmentVariables;
import dev.sessionkit.SessionConfigurationException;
import dev.sessionkit.StoreSetting;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The PostgreSQL store's settings: where the database is, which table, and how the store's own
 * pool behaves. Built with {@link #builder()} or read with {@link #fromEnvironment(Map)}; every
 * value is checked when it is set, and a bad one fails with a
 * {@link SessionConfigurationException} naming its variable.
 *
 * <p>Immutable; {@link #toString()} never shows the database URL, which may hold a password.
 */
public final class PostgresStoreSettings {

    /** {@code postgres://user:pass@host:5432/db}, {@code postgresql://…} or {@code jdbc:postgresql:…}. */
    public static final String DATABASE_URL = "DATABASE_URL";
    /** The sessions table's name; default {@code sessions}. */
    public static final String SESSION_TABLE = "SESSION_TABLE";
    /** The table's schema; default none (the connection's search path). */
    public static final String SESSION_SCHEMA = "SESSION_SCHEMA";
    /** Create or migrate the table at start-up; default true. */
    public static final String SESSION_SCHEMA_AUTO = "SESSION_SCHEMA_AUTO";
    /** The store's own pool size; default 10. */
    public static final String SESSION_DB_POOL_SIZE = "SESSION_DB_POOL_SIZE";
    /** How long to wait for a pooled connection; default 3 s. */
    public static final String SESSION_DB_CONNECT_TIMEOUT = "SESSION_DB_CONNECT_TIMEOUT";
    /**
     * The timeout of every statement the store runs, on its own pool and on an application's
     * {@code DataSource}; {@code off} for none; default 5 s.
     */
    public static final String SESSION_DB_STATEMENT_TIMEOUT = "SESSION_DB_STATEMENT_TIMEOUT";
    /**
     * Whether pgjdbc may use named server-side prepared statements; {@code false} for poolers
     * and servers without them (pgbouncer before 1.21 in transaction mode); default true, and
     * false when {@code DATABASE_URL} has {@code pgbouncer=true}.
     */
    public static final String SESSION_DB_PREPARED_STATEMENTS = "SESSION_DB_PREPARED_STATEMENTS";
    /** How long ended sessions are kept for audit; default 30 d. */
    public static final String SESSION_AUDIT_RETENTION = "SESSION_AUDIT_RETENTION";
    /**
     * Whether ended and moved sessions are announced to every instance through
     * {@code LISTEN/NOTIFY}; default true.
     */
    public static final String SESSION_DB_EVENTS = "SESSION_DB_EVENTS";
    /**
     * The database the event feed listens on, when {@code DATABASE_URL} goes through a
     * transaction-mode pooler (where {@code LISTEN} cannot work): the same database, reached
     * directly. Default: {@code DATABASE_URL}, or no feed behind {@code pgbouncer=true}.
     */
    public static final String SESSION_DB_LISTEN_URL = "SESSION_DB_LISTEN_URL";
    /**
     * How a touch (a read-only request's new access time and idle expiry) reaches the table:
     * {@code write-behind} (queued in memory, written for many sessions by one statement off the
     * request thread) or {@code sync} (one {@code UPDATE} on the request thread); default
     * {@code write-behind}.
     */
    public static final String SESSION_DB_TOUCH_MODE = "SESSION_DB_TOUCH_MODE";
    /** How often queued touches are written, in {@code write-behind} mode; default 1 s. */
    public static final String SESSION_DB_TOUCH_FLUSH_INTERVAL = "SESSION_DB_TOUCH_FLUSH_INTERVAL";
    /** How many queued touches one statement writes at most; default 1000. */
    public static final String SESSION_DB_TOUCH_BATCH_SIZE = "SESSION_DB_TOUCH_BATCH_SIZE";
    /** How many sessions' touches the queue holds; when full the oldest is dropped; default 10000. */
    public static final String SESSION_DB_TOUCH_QUEUE_SIZE = "SESSION_DB_TOUCH_QUEUE_SIZE";

    /** How touches are written ({@link #SESSION_DB_TOUCH_MODE}). */
    public enum TouchMode {
        /** Queued in memory and written in batches by a background thread: a read-only request is its {@code SELECT}. */
        WRITE_BEHIND("write-behind"),
        /** One {@code UPDATE} per touch, on the request thread, before {@code touch} returns. */
        SYNC("sync");

        private final String text;

        TouchMode(String text) {
            this.text = text;
        }

        /** The variable's value: {@code write-behind} or {@code sync}. */
        public String text() {
            return text;
        }

        /**
         * The mode {@code text} names, in any case.
         *
         * @throws SessionConfigurationException naming {@link #SESSION_DB_TOUCH_MODE} for anything else
         */
        public static TouchMode parse(String text) {
            String value = text == null ? "" : text.trim();
            for (TouchMode mode : values()) {
                if (mode.text.equalsIgnoreCase(value)) {
                    return mode;
                }
            }
            throw new SessionConfigurationException(SESSION_DB_TOUCH_MODE, SESSION_DB_TOUCH_MODE
                    + " must be write-behind or sync, not '" + value + "'");
        }
    }

    /** Every setting, for adapters ({@code sessionkit.postgres.<property>} in Spring Boot). */
    public static final List<StoreSetting> SETTINGS = List.of(
            StoreSetting.secret(DATABASE_URL, "database-url", "the database, postgres://user:pass@host:5432/db"),
            StoreSetting.of(SESSION_TABLE, "table", "the sessions table"),
            StoreSetting.of(SESSION_SCHEMA, "schema", "the table's schema"),
            StoreSetting.of(SESSION_SCHEMA_AUTO, "schema-auto", "create or migrate the table at start-up"),
            StoreSetting.of(SESSION_DB_POOL_SIZE, "pool-size", "the store's own pool size"),
            StoreSetting.of(SESSION_DB_CONNECT_TIMEOUT, "connect-timeout", "how long to wait for a pooled connection"),
            StoreSetting.of(SESSION_DB_STATEMENT_TIMEOUT, "statement-timeout", "the timeout of each statement, or off"),
            StoreSetting.of(SESSION_DB_PREPARED_STATEMENTS, "prepared-statements",
                    "use named server-side prepared statements (false behind pgbouncer before 1.21)"),
            StoreSetting.of(SESSION_AUDIT_RETENTION, "audit-retention", "how long ended sessions are kept for audit"),
            StoreSetting.of(SESSION_DB_EVENTS, "events", "announce ended and moved sessions to every instance"),
            StoreSetting.secret(SESSION_DB_LISTEN_URL, "listen-url",
                    "a direct URL for the event feed when DATABASE_URL goes through pgbouncer"),
            StoreSetting.of(SESSION_DB_TOUCH_MODE, "touch-mode",
                    "write-behind (touches queued and written in batches) or sync (one UPDATE per touch)"),
            StoreSetting.of(SESSION_DB_TOUCH_FLUSH_INTERVAL, "touch-flush-interval",
                    "how often queued touches are written"),
            StoreSetting.of(SESSION_DB_TOUCH_BATCH_SIZE, "touch-batch-size", "queued touches one statement writes at most"),
            StoreSetting.of(SESSION_DB_TOUCH_QUEUE_SIZE, "touch-queue-size",
                    "sessions whose touches the queue holds; the oldest is dropped when full"));

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final String databaseUrl;
    private final String table;
    private final String schema;
    private final boolean schemaAuto;
    private final int poolSize;
    private final Duration connectTimeout;
    private final Duration statementTimeout;
    private final boolean preparedStatements;
    private final Duration auditRetention;
    private final boolean events;
    private final String listenUrl;
    private final TouchMode touchMode;
    private final Duration touchFlushInterval;
    private final int touchBatchSize;
    private final int touchQueueSize;

    private PostgresStoreSettings(Builder b) {
        this.databaseUrl = b.databaseUrl;
        this.table = b.table;
        this.schema = b.schema;
        this.schemaAuto = b.schemaAuto;
        this.poolSize = b.poolSize;
        this.connectTimeout = b.connectTimeout;
        this.statementTimeout = b.statementTimeout;
        this.preparedStatements = b.preparedStatements != null ? b.preparedStatements
                : !(b.databaseUrl != null && PoolerUrl.saysPgbouncer(b.databaseUrl));
        this.auditRetention = b.auditRetention;
        this.events = b.events;
        this.listenUrl = b.listenUrl;
        this.touchMode = b.touchMode;
        this.touchFlushInterval = b.touchFlushInterval;
        this.touchBatchSize = b.touchBatchSize;
        this.touchQueueSize = b.touchQueueSize;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: no database URL (a {@code DataSource} must then be given), table {@code sessions}. */
    public static PostgresStoreSettings defaults() {
        return builder().build();
    }

    /**
     * Reads the variables above from {@code env}; unset and blank ones keep their defaults.
     *
     * @throws SessionConfigurationException naming the first invalid variable
     */
    public static PostgresStoreSettings fromEnvironment(Map<String, String> env) {
        return builder().applyEnvironment(EnvironmentVariables.of(env)).build();
    }

    /** As {@link #fromEnvironment(Map)}. */
    public static PostgresStoreSettings fromEnvironment(EnvironmentVariables env) {
        return builder().applyEnvironment(env).build();
    }

    /** True when {@code url} has one of the schemes this store accepts. */
    public static boolean isPostgresUrl(String url) {
        String text = url == null ? "" : url.trim();
        return text.startsWith("postgres://") || text.startsWith("postgresql://") || text.startsWith("jdbc:postgresql:");
    }

    /** A builder holding these settings, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.databaseUrl = databaseUrl;
        b.table = table;
        b.schema = schema;
        b.schemaAuto = schemaAuto;
        b.poolSize = poolSize;
        b.connectTimeout = connectTimeout;
        b.statementTimeout = statementTimeout;
        b.preparedStatements = preparedStatements;
        b.auditRetention = auditRetention;
        b.events = events;
        b.listenUrl = listenUrl;
        b.touchMode = touchMode;
        b.touchFlushInterval = touchFlushInterval;
        b.touchBatchSize = touchBatchSize;
        b.touchQueueSize = touchQueueSize;
        return b;
    }

    /** {@code DATABASE_URL}, or null. Holds a password: never log it. */
    public String databaseUrl() {
        return databaseUrl;
    }

    /** {@code SESSION_TABLE}. */
    public String table() {
        return table;
    }

    /** {@code SESSION_SCHEMA}, or null for the connection's search path. */
    public String schema() {
        return schema;
    }

    /** {@code SESSION_SCHEMA_AUTO}: create or migrate the table at start-up. */
    public boolean schemaAuto() {
        return schemaAuto;
    }

    /** {@code SESSION_DB_POOL_SIZE}. */
    public int poolSize() {
        return poolSize;
    }

    /** {@code SESSION_DB_CONNECT_TIMEOUT}: how long to wait for a pooled connection. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * {@code SESSION_DB_STATEMENT_TIMEOUT}: how long one statement may run before the driver
     * cancels it; {@link Duration#ZERO} when off.
     */
    public Duration statementTimeout() {
        return statementTimeout;
    }

    /**
     * {@code SESSION_DB_PREPARED_STATEMENTS}: false when the store keeps pgjdbc from naming
     * server-side prepared statements ({@code prepareThreshold=0}); false by default when
     * {@code DATABASE_URL} has {@code pgbouncer=true}.
     */
    public boolean preparedStatements() {
        return preparedStatements;
    }

    /** {@code SESSION_AUDIT_RETENTION}: how long ended sessions are kept for audit. */
    public Duration auditRetention() {
        return auditRetention;
    }

    /** {@code SESSION_DB_EVENTS}: whether ended and moved sessions are announced to every instance. */
    public boolean events() {
        return events;
    }

    /**
     * {@code SESSION_DB_LISTEN_URL}: where the event feed listens, or null for the database URL
     * (or, with a {@code DataSource} given, one connection of it).
     */
    public String listenUrl() {
        return listenUrl;
    }

    /** {@code SESSION_DB_TOUCH_MODE}: how touches are written. */
    public TouchMode touchMode() {
        return touchMode;
    }

    /** {@code SESSION_DB_TOUCH_FLUSH_INTERVAL}: how often queued touches are written ({@code write-behind}). */
    public Duration touchFlushInterval() {
        return touchFlushInterval;
    }

    /** {@code SESSION_DB_TOUCH_BATCH_SIZE}: how many queued touches one statement writes at most. */
    public int touchBatchSize() {
        return touchBatchSize;
    }

    /** {@code SESSION_DB_TOUCH_QUEUE_SIZE}: how many sessions' touches the queue holds. */
    public int touchQueueSize() {
        return touchQueueSize;
    }

    @Override
    public String toString() {
        return "PostgresStoreSettings[databaseUrl=" + (databaseUrl == null ? "unset" : "set") + ", table="
                + (schema == null ? "" : schema + ".") + table + ", schemaAuto=" + schemaAuto + ", poolSize=" + poolSize
                + ", connectTimeout=" + EnvironmentVariables.format(connectTimeout) + ", statementTimeout="
                + (statementTimeout.isZero() ? "off" : EnvironmentVariables.format(statementTimeout))
                + ", preparedStatements=" + preparedStatements + ", auditRetention="
                + EnvironmentVariables.format(auditRetention) + ", events=" + events + ", listenUrl="
                + (listenUrl == null ? "unset" : "set") + ", touchMode=" + touchMode.text() + ", touchFlushInterval="
                + EnvironmentVariables.format(touchFlushInterval) + ", touchBatchSize=" + touchBatchSize
                + ", touchQueueSize=" + touchQueueSize + "]";
    }

    /** Builds {@link PostgresStoreSettings}; each setter checks its argument at once. Not thread-safe. */
    public static final class Builder {

        private static final int MAX_TOUCH_BATCH = 10_000;
        private static final int MAX_TOUCH_QUEUE = 1_000_000;

        private String databaseUrl;
        private String table = "sessions";
        private String schema;
        private boolean schemaAuto = true;
        private int poolSize = 10;
        private Duration connectTimeout = Duration.ofSeconds(3);
        private Duration statementTimeout = Duration.ofSeconds(5);
        private Boolean preparedStatements;
        private Duration auditRetention = Duration.ofDays(30);
        private boolean events = true;
        private String listenUrl;
        private TouchMode touchMode = TouchMode.WRITE_BEHIND;
        private Duration touchFlushInterval = Duration.ofSeconds(1);
        private int touchBatchSize = 1000;
        private int touchQueueSize = 10_000;

        private Builder() {
        }

        /**
         * Applies every variable above that {@code env} sets.
         *
         * @throws SessionConfigurationException naming the first invalid variable
         */
        public Builder applyEnvironment(EnvironmentVariables env) {
            Objects.requireNonNull(env, "env");
            env.ifSet(DATABASE_URL, this::databaseUrl);
            env.ifSet(SESSION_TABLE, this::table);
            env.ifSet(SESSION_SCHEMA, this::schema);
            env.ifBoolean(SESSION_SCHEMA_AUTO, this::schemaAuto);
            env.ifInt(SESSION_DB_POOL_SIZE, 1, 1000, this::poolSize);
            env.ifDuration(SESSION_DB_CONNECT_TIMEOUT, this::connectTimeout);
            env.ifSet(SESSION_DB_STATEMENT_TIMEOUT, text -> statementTimeout("off".equalsIgnoreCase(text.trim())
                    ? Duration.ZERO : EnvironmentVariables.parseDuration(SESSION_DB_STATEMENT_TIMEOUT, text)));
            env.ifBoolean(SESSION_DB_PREPARED_STATEMENTS, this::preparedStatements);
            env.ifDuration(SESSION_AUDIT_RETENTION, this::auditRetention);
            env.ifBoolean(SESSION_DB_EVENTS, this::events);
            env.ifSet(SESSION_DB_LISTEN_URL, this::listenUrl);
            env.ifSet(SESSION_DB_TOUCH_MODE, text -> touchMode(TouchMode.parse(text)));
            env.ifDuration(SESSION_DB_TOUCH_FLUSH_INTERVAL, this::touchFlushInterval);
            env.ifInt(SESSION_DB_TOUCH_BATCH_SIZE, 1, MAX_TOUCH_BATCH, this::touchBatchSize);
            env.ifInt(SESSION_DB_TOUCH_QUEUE_SIZE, 1, MAX_TOUCH_QUEUE, this::touchQueueSize);
            return this;
        }

        /**
         * {@code DATABASE_URL}: {@code postgres://…}, {@code postgresql://…} or
         * {@code jdbc:postgresql:…}, checked in full now; null to unset.
         */
        public Builder databaseUrl(String value) {
            if (value != null) {
                DatabaseUrl.parse(value);
                PoolerUrl.saysPgbouncer(value);
            }
            this.databaseUrl = value == null ? null : value.trim();
            return this;
        }

        /** {@code SESSION_TABLE}; default {@code sessions}. */
        public Builder table(String value) {
            this.table = identifier(SESSION_TABLE, value);
            return this;
        }

        /** {@code SESSION_SCHEMA}; default none (the search path). */
        public Builder schema(String value) {
            this.schema = value == null ? null : identifier(SESSION_SCHEMA, value);
            return this;
        }

        /** {@code SESSION_SCHEMA_AUTO}; default true. */
        public Builder schemaAuto(boolean value) {
            this.schemaAuto = value;
            return this;
        }

        /** {@code SESSION_DB_POOL_SIZE}; default 10. */
        public Builder poolSize(int value) {
            if (value < 1 || value > 1000) {
                throw new SessionConfigurationException(SESSION_DB_POOL_SIZE,
                        SESSION_DB_POOL_SIZE + " must be between 1 and 1000, not " + value);
            }
            this.poolSize = value;
            return this;
        }

        /** {@code SESSION_DB_CONNECT_TIMEOUT}; default 3 s, at least 250 ms (HikariCP's floor). */
        public Builder connectTimeout(Duration value) {
            EnvironmentVariables.requirePositive(SESSION_DB_CONNECT_TIMEOUT, value);
            if (value.toMillis() < 250) {
                throw new SessionConfigurationException(SESSION_DB_CONNECT_TIMEOUT, SESSION_DB_CONNECT_TIMEOUT
                        + " must be at least 250ms, not " + EnvironmentVariables.format(value));
            }
            this.connectTimeout = value;
            return this;
        }

        /**
         * {@code SESSION_DB_STATEMENT_TIMEOUT}; default 5 s; {@link Duration#ZERO} (the variable's
         * {@code off}) for no timeout from sessionkit, leaving it to the database or the
         * application's {@code DataSource}.
         */
        public Builder statementTimeout(Duration value) {
            if (value != null && value.isZero()) {
                this.statementTimeout = Duration.ZERO;
                return this;
            }
            if (value != null && !value.isNegative() && value.toMillis() == 0) {
                throw new SessionConfigurationException(SESSION_DB_STATEMENT_TIMEOUT, SESSION_DB_STATEMENT_TIMEOUT
                        + " must be at least 1ms, or off, not " + EnvironmentVariables.format(value));
            }
            this.statementTimeout = EnvironmentVariables.requirePositive(SESSION_DB_STATEMENT_TIMEOUT, value);
            return this;
        }

        /**
         * {@code SESSION_DB_PREPARED_STATEMENTS}; default true, or false when the database URL has
         * {@code pgbouncer=true}. False sets pgjdbc's {@code prepareThreshold} to 0 on the store's
         * pool and on each statement (on an application's {@code DataSource} too), so every
         * statement is parsed unnamed: what a transaction-mode pooler without prepared-statement
         * support needs, at the price of a parse per statement.
         */
        public Builder preparedStatements(boolean value) {
            this.preparedStatements = value;
            return this;
        }

        /** {@code SESSION_AUDIT_RETENTION}; default 30 d. */
        public Builder auditRetention(Duration value) {
            this.auditRetention = EnvironmentVariables.requirePositive(SESSION_AUDIT_RETENTION, value);
            return this;
        }

        /** {@code SESSION_DB_EVENTS}; default true. */
        public Builder events(boolean value) {
            this.events = value;
            return this;
        }

        /**
         * {@code SESSION_DB_LISTEN_URL}: a {@code postgres://} or {@code jdbc:postgresql:} URL of the
         * same database, reached without a transaction-mode pooler, checked now; null to unset.
         */
        public Builder listenUrl(String value) {
            if (value != null) {
                if (PoolerUrl.saysPgbouncer(value)) {
                    throw new SessionConfigurationException(SESSION_DB_LISTEN_URL, SESSION_DB_LISTEN_URL
                            + " must reach the database directly (LISTEN does not work through a transaction-mode"
                            + " pooler), but it says pgbouncer=true");
                }
                try {
                    DatabaseUrl.parse(value);
                } catch (SessionConfigurationException e) {
                    throw new SessionConfigurationException(SESSION_DB_LISTEN_URL,
                            e.getMessage().replace(DATABASE_URL, SESSION_DB_LISTEN_URL));
                }
            }
            this.listenUrl = value == null ? null : value.trim();
            return this;
        }

        /** {@code SESSION_DB_TOUCH_MODE}; default {@link TouchMode#WRITE_BEHIND}. */
        public Builder touchMode(TouchMode value) {
            this.touchMode = Objects.requireNonNull(value, "touchMode");
            return this;
        }

        /**
         * {@code SESSION_DB_TOUCH_FLUSH_INTERVAL}: how often the queue is written in
         * {@code write-behind} mode (sooner when a batch is full); default 1 s, from 10 ms to 1 min.
         * A queued touch reaches the table within about this long, so keep it far below the touch
         * interval.
         */
        public Builder touchFlushInterval(Duration value) {
            EnvironmentVariables.requirePositive(SESSION_DB_TOUCH_FLUSH_INTERVAL, value);
            if (value.toMillis() < 10 || value.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new SessionConfigurationException(SESSION_DB_TOUCH_FLUSH_INTERVAL, SESSION_DB_TOUCH_FLUSH_INTERVAL
                        + " must be between 10ms and 1m, not " + EnvironmentVariables.format(value));
            }
            this.touchFlushInterval = value;
            return this;
        }

        /** {@code SESSION_DB_TOUCH_BATCH_SIZE}: touches per statement, 1 to 10000; default 1000. */
        public Builder touchBatchSize(int value) {
            if (value < 1 || value > MAX_TOUCH_BATCH) {
                throw new SessionConfigurationException(SESSION_DB_TOUCH_BATCH_SIZE,
                        SESSION_DB_TOUCH_BATCH_SIZE + " must be between 1 and " + MAX_TOUCH_BATCH + ", not " + value);
            }
            this.touchBatchSize = value;
            return this;
        }

        /**
         * {@code SESSION_DB_TOUCH_QUEUE_SIZE}: sessions whose touches wait in the queue at most, 1 to
         * 1000000; default 10000. A full queue drops its oldest touch (counted).
         */
        public Builder touchQueueSize(int value) {
            if (value < 1 || value > MAX_TOUCH_QUEUE) {
                throw new SessionConfigurationException(SESSION_DB_TOUCH_QUEUE_SIZE,
                        SESSION_DB_TOUCH_QUEUE_SIZE + " must be between 1 and " + MAX_TOUCH_QUEUE + ", not " + value);
            }
            this.touchQueueSize = value;
            return this;
        }

        /** The settings. */
        public PostgresStoreSettings build() {
            return new PostgresStoreSettings(this);
        }

        private static String identifier(String setting, String value) {
            if (value == null || !IDENTIFIER.matcher(value).matches()) {
                throw new SessionConfigurationException(setting, setting + " must be an SQL identifier: a letter or _,"
                        + " then letters, digits or _, at most 63 characters, not '" + value + "'");
            }
            return value;
        }
    }
}
