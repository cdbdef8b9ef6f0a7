package dev.sessionkit.postgres;

import dev.sessionkit.SessionConfigurationException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or checks the sessions table at start-up. The table comment records the schema version
 * ({@value SessionTable#MARKER_PREFIX}N); when it is current nothing is locked or written, so a
 * running system with many instances pays one catalog query per start. Otherwise the DDL runs in
 * one transaction under a transaction-level advisory lock ({@code pg_advisory_xact_lock}, taken
 * first in that transaction), so instances starting together create the table once and never fail
 * on each other's half-made catalog entries. The commit or rollback releases the lock, as does the
 * server if the connection dies. Lock and DDL share one transaction, so a transaction-mode pooler
 * (pgbouncer), which may give each transaction another server connection, keeps them together; a
 * session-level lock and its unlock could land on different server connections there.
 */
final class SchemaMigrator {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
    /** The first half of the advisory lock key: "sessionkit", so other applications' locks do not collide. */
    private static final int LOCK_CLASS = 0x5e55_1017;

    private final SessionTable table;
    private final Clock clock;
    private final String markerQuery;
    private final String columnsQuery;
    private final String lockedMarkerQuery;
    private final String lockQuery;
    private final StatementOptions statements;

    SchemaMigrator(SessionTable table, Clock clock, StatementOptions statements) {
        this.table = table;
        this.clock = clock;
        // the migration's own statements get no timeout: the lock may rightly wait for another
        // instance's DDL; only the prepare threshold applies
        this.statements = new StatementOptions(Duration.ZERO, statements.serverPrepare());
        DSLContext dsl = table.dsl();
        this.markerQuery = dsl.render(DSL.select(
                regclass("qualifiedExists").isNotNull(),
                DSL.function(DSL.name("obj_description"), SQLDataType.CLOB, regclass("qualified"),
                        DSL.inline("pg_class"))));
        // The same, reading from pg_namespace: opening a relation is what makes a backend take in
        // the catalog changes other sessions committed (it "accepts invalidation messages"), and an
        // advisory lock does not. Under the lock, this first relation of the transaction makes
        // stale cache entries (such as "no schema of that name") from before the wait go away.
        this.lockedMarkerQuery = dsl.render(DSL.select(
                regclass("qualifiedExists").isNotNull(),
                DSL.function(DSL.name("obj_description"), SQLDataType.CLOB, regclass("qualified"),
                        DSL.inline("pg_class")))
                .from(DSL.table(DSL.name("pg_catalog", "pg_namespace")))
                .limit(DSL.inline(1)));
        this.columnsQuery = dsl.render(DSL.select(DSL.field(DSL.name("attname"), SQLDataType.CLOB).cast(SQLDataType.CLOB))
                .from(DSL.table(DSL.name("pg_catalog", "pg_attribute")))
                .where(DSL.field(DSL.name("attrelid"), SQLDataType.OTHER).eq(regclass("qualified")))
                .and(DSL.field(DSL.name("attnum"), SQLDataType.INTEGER).gt(DSL.inline(0)))
                .and(DSL.not(DSL.field(DSL.name("attisdropped"), SQLDataType.BOOLEAN))));
        this.lockQuery = dsl.render(DSL.select(DSL.function(DSL.name("pg_advisory_xact_lock"), SQLDataType.OTHER,
                DSL.param("lockClass", SQLDataType.INTEGER), DSL.param("lockObject", SQLDataType.INTEGER))));
    }

    /**
     * Creates what is missing.
     *
     * @throws SessionConfigurationException when a table of that name exists but is not a sessions table
     * @throws SQLException when the database fails
     */
    void migrate(DataSource dataSource) throws SQLException {
        Instant start = clock.instant();
        try (Connection connection = dataSource.getConnection()) {
            if (isCurrent(connection)) {
                LOG.debug("[{}] schema is current", table.qualifiedName());
                return;
            }
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (StatementOptions.Restore unnamed = statements.unnamedTransactionCommands(connection)) {
                advisoryLock(connection);
                if (!isCurrent(connection, lockedMarkerQuery)) {
                    try (Statement ddl = connection.createStatement()) {
                        for (String statement : table.createStatements()) {
                            ddl.execute(statement);
                        }
                    }
                    connection.commit();
                    LOG.info("[{}] created session table, schema version {}, in {} ms", table.qualifiedName(),
                            SessionTable.SCHEMA_VERSION, Duration.between(start, clock.instant()).toMillis());
                } else {
                    connection.commit();
                }
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    private void advisoryLock(Connection connection) throws SQLException {
        try (PreparedStatement lock = statements.prepare(connection, lockQuery)) {
            lock.setInt(1, LOCK_CLASS);
            lock.setInt(2, table.qualifiedName().hashCode());
            lock.execute();
        }
    }

    /**
     * Checks that the table exists, without changing anything.
     *
     * @throws SessionConfigurationException naming {@code SESSION_SCHEMA_AUTO} when it does not
     */
    void verify(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!isCurrent(connection)) {
                throw new SessionConfigurationException(PostgresStoreSettings.SESSION_SCHEMA_AUTO, "the session table "
                        + table.qualifiedName() + " does not exist and " + PostgresStoreSettings.SESSION_SCHEMA_AUTO
                        + " is off: run the scripts in db/sessionkit/ of the session-postgres jar (Flyway or Liquibase"
                        + " can), or set " + PostgresStoreSettings.SESSION_SCHEMA_AUTO + "=true");
            }
        }
    }

    /**
     * True when the table exists at the current version or a later one; false when it is missing.
     *
     * @throws SessionConfigurationException when a table of that name is not a sessions table
     */
    private boolean isCurrent(Connection connection) throws SQLException {
        return isCurrent(connection, markerQuery);
    }

    private boolean isCurrent(Connection connection, String query) throws SQLException {
        boolean exists;
        String comment;
        try (PreparedStatement ps = statements.prepare(connection, query)) {
            ps.setString(1, table.qualifiedName());
            ps.setString(2, table.qualifiedName());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                exists = rs.getBoolean(1);
                comment = rs.getString(2);
            }
        }
        if (!exists) {
            return false;
        }
        if (comment != null && comment.startsWith(SessionTable.MARKER_PREFIX)) {
            int version = parseVersion(comment);
            if (version > SessionTable.SCHEMA_VERSION) {
                LOG.warn("[{}] schema version {} is newer than this sessionkit ({}); using it as it is",
                        table.qualifiedName(), version, SessionTable.SCHEMA_VERSION);
            }
            return version >= SessionTable.SCHEMA_VERSION;
        }
        // a table without our marker: fine when it has our columns (made by hand), a mistake otherwise
        Set<String> columns = new HashSet<>();
        try (PreparedStatement ps = statements.prepare(connection, columnsQuery)) {
            ps.setString(1, table.qualifiedName());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        List<String> missing = SessionTable.REQUIRED_COLUMNS.stream().filter(c -> !columns.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new SessionConfigurationException(PostgresStoreSettings.SESSION_TABLE, "the table "
                    + table.qualifiedName() + " exists but is not a sessionkit session table (it lacks " + missing
                    + "); choose another " + PostgresStoreSettings.SESSION_TABLE + " or " + PostgresStoreSettings.SESSION_SCHEMA);
        }
        return true;
    }

    private static Field<Object> regclass(String param) {
        return DSL.function(DSL.name("to_regclass"), SQLDataType.OTHER, DSL.param(param, SQLDataType.CLOB));
    }

    private static int parseVersion(String comment) {
        try {
            return Integer.parseInt(comment.substring(SessionTable.MARKER_PREFIX.length()).trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
