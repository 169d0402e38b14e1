-- The platform's PostgreSQL schema: grain state, reminders, the journal (audit chains, budget ledgers) and Orleans
-- membership. Every node applies it at start (each statement is idempotent, and the advisory lock keeps two nodes
-- from creating the same table at once). An operator who applies schema changes themselves runs this file and sets
-- Silo:Postgres:ApplySchema=false; the nodes then only check that the tables are there.
SELECT pg_advisory_xact_lock(7283910455);
CREATE TABLE IF NOT EXISTS grain_state (
    grain_type text NOT NULL,
    grain_key text NOT NULL,
    state_name text NOT NULL,
    payload bytea NULL,
    version bigint NOT NULL,
    PRIMARY KEY (grain_type, grain_key, state_name)
);
CREATE TABLE IF NOT EXISTS reminders (
    grain_type text NOT NULL,
    grain_key text NOT NULL,
    name text NOT NULL,
    due_at timestamptz NOT NULL,
    period_ms bigint NOT NULL,
    PRIMARY KEY (grain_type, grain_key, name)
);
-- Orleans' reminder service reads its range of the hash ring and removes by version; rows written before the
-- platform ran on Orleans get the hash filled in by PostgresReminderTable.
ALTER TABLE reminders ADD COLUMN IF NOT EXISTS grain_hash bigint NULL;
ALTER TABLE reminders ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 1;
CREATE INDEX IF NOT EXISTS reminders_grain_hash ON reminders (grain_hash);
CREATE TABLE IF NOT EXISTS journal (
    stream text NOT NULL,
    sequence bigint NOT NULL,
    payload bytea NOT NULL,
    PRIMARY KEY (stream, sequence)
);
-- Orleans membership of each cluster: the table version every change moves (compared by its etag), and one
-- row per silo incarnation (address:port@generation), each with its own etag.
CREATE TABLE IF NOT EXISTS membership_versions (
    cluster_id text PRIMARY KEY,
    version integer NOT NULL,
    etag bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS membership (
    cluster_id text NOT NULL REFERENCES membership_versions (cluster_id) ON DELETE CASCADE,
    silo text NOT NULL,
    status integer NOT NULL,
    silo_name text NOT NULL,
    host_name text NOT NULL,
    proxy_port integer NOT NULL,
    start_time timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    suspect_times text NOT NULL,
    updated_at timestamptz NOT NULL,
    etag bigint NOT NULL,
    PRIMARY KEY (cluster_id, silo)
);
