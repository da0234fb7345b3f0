-- Database apex, its extensions, and the app's schemas. The superuser owns the database,
-- so schema public belongs to it too (pg_database_owner); nobody else may create in public
-- or create schemas, and nobody but the superuser may ALTER DATABASE apex SET ... .
CREATE DATABASE apex OWNER postgres;
REVOKE ALL ON DATABASE apex FROM PUBLIC;
GRANT CONNECT ON DATABASE apex TO apex_owner, apex_app, apex_backup, apex_partman, pghero;
-- the migrator may create schemas (graphile-worker's bootstrap says CREATE SCHEMA IF NOT
-- EXISTS, which asks for the privilege even when the schema is there); the app may not
GRANT CREATE ON DATABASE apex TO apex_owner;
-- pg_partman's non-superuser setup creates temporary tables during maintenance
GRANT TEMPORARY ON DATABASE apex TO apex_partman;
REVOKE ALL ON DATABASE postgres, template1 FROM PUBLIC;
\connect apex

REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO PUBLIC;

CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA public;
CREATE SCHEMA partman;
CREATE EXTENSION pg_partman SCHEMA partman;
-- ops: the daily maintenance's pg_stat_statements snapshots (superuser-owned).
CREATE SCHEMA ops;
CREATE TABLE ops.pg_stat_statements_snapshot AS
  SELECT now() AS taken_at, s.* FROM public.pg_stat_statements s WITH NO DATA;

-- Non-superuser maintenance (pg_partman docs, "non-superuser" setup).
GRANT ALL ON SCHEMA partman TO apex_partman;
GRANT ALL ON ALL TABLES IN SCHEMA partman TO apex_partman;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA partman TO apex_partman;
GRANT EXECUTE ON ALL PROCEDURES IN SCHEMA partman TO apex_partman;
-- The app has no business in partman (GET /partitions reads pg_inherits). Nor has pghero
-- in any schema: it reads statistics (pg_monitor), never rows.

-- The app's schemas are made here, owned by apex_owner; the app gets USAGE and data
-- privileges only. apex_partman creates the event partitions in schema app.
CREATE SCHEMA app AUTHORIZATION apex_owner;
CREATE SCHEMA graphile_worker AUTHORIZATION apex_owner;
GRANT USAGE ON SCHEMA app, graphile_worker TO apex_app;
GRANT USAGE, CREATE ON SCHEMA app TO apex_partman;
-- Whatever apex_owner creates later (graphile-worker's migrations in db_migrate) is the
-- app's to use, never to alter.
ALTER DEFAULT PRIVILEGES FOR ROLE apex_owner IN SCHEMA app, graphile_worker
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO apex_app;
ALTER DEFAULT PRIVILEGES FOR ROLE apex_owner IN SCHEMA app, graphile_worker
  GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO apex_app;
ALTER DEFAULT PRIVILEGES FOR ROLE apex_owner IN SCHEMA app, graphile_worker
  GRANT EXECUTE ON FUNCTIONS TO apex_app;

-- Events: partitioned by day. The partman role owns the parent so that it may create,
-- attach and (retention) drop children; the app writes and reads through grants that
-- pg_partman copies onto every child (inherit_privileges).
CREATE TABLE app.events (
  id          bigint GENERATED ALWAYS AS IDENTITY,
  created_at  timestamptz NOT NULL DEFAULT now(),
  kind        text NOT NULL,
  payload     jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE INDEX events_created_at_idx ON app.events (created_at);
ALTER TABLE app.events OWNER TO apex_partman;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.events TO apex_app;

SET ROLE apex_partman;
SELECT partman.create_parent(
  p_parent_table => 'app.events',
  p_control      => 'created_at',
  p_interval     => '1 day',
  p_premake      => 4
);
UPDATE partman.part_config
   SET retention = '30 days',
       retention_keep_table = false,
       infinite_time_partitions = true,
       inherit_privileges = true
 WHERE parent_table = 'app.events';
RESET ROLE;

-- The job queue's own records (graphile-worker keeps its queue in schema graphile_worker;
-- these are what the API reports and what proves no job ran twice at once).
SET ROLE apex_owner;
-- Job ids are random (they do not enumerate) and each job belongs to the api caller that
-- created it.
CREATE TABLE app.jobs (
  id            uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  caller        text NOT NULL CHECK (caller ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  task          text NOT NULL CHECK (task IN ('echo', 'fail', 'sleep')),
  payload       jsonb NOT NULL DEFAULT '{}'::jsonb,
  status        text NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  attempts      integer NOT NULL DEFAULT 0,
  max_attempts  integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 25),
  last_error    text,
  result        jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_status_idx ON app.jobs (status);
CREATE INDEX jobs_caller_open_idx ON app.jobs (caller) WHERE status IN ('queued', 'running');

CREATE TABLE app.job_runs (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id       uuid NOT NULL REFERENCES app.jobs (id) ON DELETE CASCADE,
  worker_id    text NOT NULL,
  attempt      integer NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  outcome      text CHECK (outcome IN ('succeeded', 'failed')),
  UNIQUE (job_id, attempt)
);
RESET ROLE;

