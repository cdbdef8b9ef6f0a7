-- sessionkit session table, schema version 3 (after V2__renewal_and_replaced.sql).
--
-- The store applies this itself at start-up when SESSION_SCHEMA_AUTO is on (the default). Run it
-- instead (with Flyway, Liquibase or psql) when the application's database user may not run DDL.
-- The table name is the default, "sessions"; rename it (and its indexes) if SESSION_TABLE says otherwise.
--
-- Why: the index on expires_at made every touch (which moves idle_expires_at, and so the generated
-- expires_at) an update that is never HOT. The sweep now finds active rows by sweep_at, a lower
-- bound of the expiry that touches and attribute writes never change; the sweep deletes the due
-- rows that have expired and moves the others' sweep_at up to their expiry.
--
-- What it costs on a big table: the column is added NOT NULL with a constant default, which
-- PostgreSQL (11 and later) records in the catalog without rewriting the table. Existing rows read
-- '-infinity': due at once, so the first sweeps after the migration visit every active row once, in
-- bounded batches, deleting the expired and giving the others their expiry. CREATE INDEX reads the
-- whole table and blocks writes to it (not reads) while it runs. To keep writes going on a big
-- table, build the index first, outside a transaction, with
--   create index concurrently if not exists "sessions_sweep_idx" on "sessions" ("sweep_at") where "status" = 'active';
-- after the ALTER TABLE below, then run the rest (the CREATE INDEX IF NOT EXISTS then does nothing).
-- DROP INDEX takes a brief exclusive lock.
--
-- expires_at stays (generated, the earlier of the two expiries), so SQL such as
-- "status = 'active' and expires_at > now()" still works; it is no longer indexed.

alter table "sessions" add column if not exists "sweep_at" timestamp with time zone not null default '-infinity';
create index if not exists "sessions_sweep_idx" on "sessions" ("sweep_at") where "status" = 'active';
drop index if exists "sessions_expires_idx";

comment on table "sessions" is 'sessionkit schema 3';
