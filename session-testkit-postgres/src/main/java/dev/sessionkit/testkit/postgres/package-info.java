/**
 * The PostgreSQL server for tests, published for anyone testing against PostgreSQL: its entry
 * point is {@link dev.sessionkit.testkit.postgres.PostgresFixture}, which takes an external
 * server, else Testcontainers, else an embedded PostgreSQL, and never skips a test.
 */
package dev.sessionkit.testkit.postgres;
