/**
 * The PostgreSQL session store. The entry point is {@link dev.sessionkit.postgres.PostgresSessionStore}
 * (built from settings, with its own HikariCP pool or the application's {@code DataSource});
 * {@link dev.sessionkit.postgres.PostgresStoreProvider} registers it for {@code SESSION_STORE=postgres} (alias
 * {@code jdbc}).
 * The table's DDL also ships as {@code db/sessionkit/V1__create_sessions.sql} for Flyway or
 * Liquibase users.
 */
package dev.sessionkit.postgres;
