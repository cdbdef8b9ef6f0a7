-- sessionkit session table, schema version 1.
--
-- The store creates this table itself at start-up when SESSION_SCHEMA_AUTO is on (the default),
-- under an advisory lock. Run this script instead (with Flyway, Liquibase or psql) when the
-- application's database user may not run DDL; then set SESSION_SCHEMA_AUTO=false. The table name
-- here is the default, "sessions"; rename it (and its indexes) if SESSION_TABLE says otherwise.
-- Needs PostgreSQL 12 or later (a generated column).

create table if not exists "sessions" (
    -- SHA-256 of the session id (never the id itself), 32 bytes
    "key"                 bytea                    not null primary key check (octet_length("key") = 32),
    -- the signed-in user, or null for an anonymous session
    "principal"           text                     null,
    -- the attributes, one JSON object
    "data"                jsonb                    not null default '{}'::jsonb,
    "created_at"          timestamp with time zone not null,
    -- moves at the touch interval, never backwards
    "last_accessed_at"    timestamp with time zone not null,
    "idle_expires_at"     timestamp with time zone not null,
    "absolute_expires_at" timestamp with time zone not null,
    "idle_timeout_ms"     bigint                   not null check ("idle_timeout_ms" > 0),
    "ip"                  text                     null,
    "user_agent"          text                     null,
    "status"              text                     not null default 'active'
                          check ("status" in ('active', 'logged_out', 'expired', 'revoked')),
    -- when the session ended (logout, revocation); audit rows are kept for SESSION_AUDIT_RETENTION
    "logged_out_at"       timestamp with time zone null,
    -- incremented by every write
    "version"             bigint                   not null default 0,
    -- the earlier of the two expiries: a session is live while status = 'active' and expires_at > now
    "expires_at"          timestamp with time zone not null
                          generated always as (least("idle_expires_at", "absolute_expires_at")) stored
) with (fillfactor = 85);

-- the sweeper's scan: only active rows, by expiry
create index if not exists "sessions_expires_idx" on "sessions" ("expires_at") where "status" = 'active';
-- "sessions of user X" and "log out everywhere"; anonymous sessions stay out of it
create index if not exists "sessions_principal_idx" on "sessions" ("principal", "status") where "principal" is not null;
-- audit retention: only ended rows
create index if not exists "sessions_ended_idx" on "sessions" ("logged_out_at") where "status" <> 'active';

-- the schema version, read by the store at start-up
comment on table "sessions" is 'sessionkit schema 1';
-- then V2__renewal_and_replaced.sql
