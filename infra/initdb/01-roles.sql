-- Roles. Passwords come from the secret files, never from literals here: psql's backtick
-- reads the file (the password appears in no argv), and the server must not echo a failed
-- statement carrying it into the log.
SET log_min_error_statement = panic;
SET log_statement = 'none';

-- The application: owns database apex (graphile-worker creates its own schema there).
CREATE ROLE apex_app LOGIN;
\set pw `cat /run/secrets/app_db_password`
ALTER ROLE apex_app PASSWORD :'pw';

-- pg_partman's background worker runs maintenance as this role (not a superuser). It
-- needs LOGIN for the worker's connection but has no password: nobody logs in as it over
-- the network (pg_hba demands SCRAM there).
CREATE ROLE apex_partman LOGIN;

-- pghero (compose profile "pghero"): read-only monitoring.
CREATE ROLE pghero LOGIN IN ROLE pg_monitor;
\set pw `cat /run/secrets/pghero_db_password`
ALTER ROLE pghero PASSWORD :'pw';
\unset pw
