// `node worker.mjs --migrate`: the one-shot db_migrate service. graphile-worker's schema
// migrations run as apex_owner, the role that owns the app's schemas; then the app role
// gets the data privileges it needs on whatever the migrations made, and no more. The api
// and the worker log in as apex_app, which owns nothing and may create nothing, so a
// compromised service cannot plant code that a superuser would later run.
import type pg from "pg";
import { runMigrations, type Logger } from "graphile-worker";

/** Run after the migrations, as apex_owner. Idempotent. */
export const APP_GRANTS_SQL = `
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA graphile_worker TO apex_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA graphile_worker TO apex_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA graphile_worker TO apex_app;
-- graphile-worker enables row-level security with no policy (only the owner sees rows):
-- the app, which is not the owner, gets one policy per table that shows it every row.
DO $grants$
DECLARE t pg_catalog.regclass;
BEGIN
  FOR t IN
    SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'graphile_worker' AND c.relkind IN ('r', 'p') AND c.relrowsecurity
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'apex_app_all')
  LOOP
    EXECUTE pg_catalog.format('CREATE POLICY apex_app_all ON %s TO apex_app USING (true) WITH CHECK (true)', t);
  END LOOP;
END
$grants$;
`;

export async function migrate(pool: pg.Pool, logger: Logger): Promise<void> {
  await runMigrations({ pgPool: pool, logger });
  await pool.query(APP_GRANTS_SQL);
}
