-- Roles. Passwords come from the secret files, never from literals here: psql's backtick
-- reads the file (the password appears in no argv), and the server must not echo a failed
-- statement carrying it into the log.
--
-- Privilege model (README "threat model"): no role that a service logs in as owns a
-- database, a schema it can write or code the superuser runs. The superuser resolves names
-- only through pg_catalog, logs in only over the unix socket, and never restores or runs
-- what the application could have written.
SET log_min_error_statement = panic;
SET log_statement = 'none';

-- The superuser: names resolve through pg_catalog only (CVE-2018-1058: a planted
-- public.|| or function must never be picked by a superuser session). pg_hba refuses it
-- over the network; it logs in only by peer on the server's own socket.
ALTER ROLE postgres SET search_path = pg_catalog, pg_temp;

-- Owner of the application's schemas and objects. It logs in only in the one-shot
-- db_migrate service (graphile-worker's migrations), never in the api or the worker.
CREATE ROLE apex_owner LOGIN CONNECTION LIMIT 4;
\set pw `cat /run/secrets/owner_db_password`
ALTER ROLE apex_owner PASSWORD :'pw';
ALTER ROLE apex_owner SET statement_timeout = '5min';
ALTER ROLE apex_owner SET search_path = pg_catalog, pg_temp;

-- The application (api through pgbouncer, worker directly): data and queue functions only.
-- It owns nothing and may create nothing outside its own session's temp schema.
CREATE ROLE apex_app LOGIN CONNECTION LIMIT 60;
\set pw `cat /run/secrets/app_db_password`
ALTER ROLE apex_app PASSWORD :'pw';
ALTER ROLE apex_app SET statement_timeout = '30s';
ALTER ROLE apex_app SET idle_in_transaction_session_timeout = '60s';
ALTER ROLE apex_app SET lock_timeout = '10s';

-- Logical backups (logical_backup): reads everything, writes nothing. BYPASSRLS because
-- graphile-worker's tables have row-level security: without it pg_dump stops there (or, with
-- --enable-row-security, would silently dump only the rows a policy shows it).
CREATE ROLE apex_backup LOGIN BYPASSRLS CONNECTION LIMIT 8 IN ROLE pg_read_all_data;
\set pw `cat /run/secrets/backup_db_password`
ALTER ROLE apex_backup PASSWORD :'pw';
ALTER ROLE apex_backup SET search_path = pg_catalog, pg_temp;
-- a dump holds its snapshot open in an idle transaction for as long as it runs
ALTER ROLE apex_backup SET statement_timeout = 0;
ALTER ROLE apex_backup SET idle_in_transaction_session_timeout = 0;

-- pg_partman's background worker runs maintenance as this role (not a superuser). It
-- needs LOGIN for the worker's connection but has no password, and pg_hba refuses it over
-- the network.
CREATE ROLE apex_partman LOGIN CONNECTION LIMIT 4;

-- pghero (compose profile "pghero"): read-only monitoring.
CREATE ROLE pghero LOGIN CONNECTION LIMIT 5 IN ROLE pg_monitor;
\set pw `cat /run/secrets/pghero_db_password`
ALTER ROLE pghero PASSWORD :'pw';
ALTER ROLE pghero SET statement_timeout = '30s';
\unset pw
