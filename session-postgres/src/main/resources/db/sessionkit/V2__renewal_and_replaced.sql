-- sessionkit session table, schema version 2 (after V1__create_sessions.sql).
--
-- The store applies this itself at start-up when SESSION_SCHEMA_AUTO is on (the default). Run it
-- instead (with Flyway, Liquibase or psql) when the application's database user may not run DDL.
-- The table name is the default, "sessions"; rename it if SESSION_TABLE says otherwise.

-- id renewal (SESSION_RENEWAL_INTERVAL): the key a session had before its last renewal, accepted
-- until previous_key_expires_at (SESSION_RENEWAL_GRACE) for requests already in flight
alter table "sessions" add column if not exists "previous_key" bytea null;
alter table "sessions" add column if not exists "previous_key_expires_at" timestamp with time zone null;
create index if not exists "sessions_previous_key_idx" on "sessions" ("previous_key") where "previous_key" is not null;
-- when the session got its current key (null: at creation), for SESSION_RENEWAL_INTERVAL
alter table "sessions" add column if not exists "key_issued_at" timestamp with time zone null;

-- the per-user session limit (SESSION_MAX_PER_USER) ends the oldest sessions with status 'replaced'
do $sessionkit$
declare c record;
begin
  for c in select conname from pg_catalog.pg_constraint
           where conrelid = '"sessions"'::regclass and contype = 'c'
             and pg_catalog.pg_get_constraintdef(oid) like '%status%' loop
    execute format('alter table "sessions" drop constraint %I', c.conname);
  end loop;
end $sessionkit$;
alter table "sessions" add constraint "sessions_status_check"
  check ("status" in ('active', 'logged_out', 'expired', 'revoked', 'replaced'));

comment on table "sessions" is 'sessionkit schema 2';
