// The database's privilege posture on the real stack (issue: "the app role can become
// superuser"). The attack, as reproduced before the fix: apex_app owned database apex and
// schema app, added `CHECK (app.pwn(task))` to app.jobs, and the next verified backup
// restored that table as the superuser, so pwn() ran `COPY ... TO PROGRAM` as postgres:
// a shell as uid 999 in the postgres container, next to /run/secrets. Every step of that
// path is tried here and must be refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testStack } from "../src/manage/testStack.ts";

const s = testStack("apex-dbpriv");
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split("\n").pop() ?? "null");

/** One statement as apex_app over the network (the api's and the worker's login). */
const asApp = (sql: string) =>
  s.compose(["exec", "-T", "postgres", "sh", "-c", 'PGPASSWORD="$(cat /run/secrets/app_db_password)" exec psql -X -q -At -v ON_ERROR_STOP=1 -h postgres -U apex_app -d apex -c "$1"', "sh", sql]);
/** One statement as apex_backup, from logical_backup with its own pgpass. */
const asBackup = (sql: string) => s.compose(["exec", "-T", "logical_backup", "psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql]);

beforeAll(() => s.up(), 600_000);
afterAll(() => s.down(), 180_000);

describe("database privileges: no path from the app role to the superuser", () => {
  it.each([
    ["CREATE SCHEMA evil", /permission denied for database apex/],
    ["ALTER DATABASE apex SET search_path = evil, public", /must be owner of database apex/],
    ["CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'", /permission denied for schema public/],
    ["CREATE OPERATOR public.|| (leftarg = name, rightarg = name, function = pg_catalog.namecat)", /permission denied for schema public/],
    ["CREATE FUNCTION app.pwn(text) RETURNS boolean LANGUAGE sql AS 'SELECT true'", /permission denied for schema app/],
    ["CREATE FUNCTION graphile_worker.pwn() RETURNS boolean LANGUAGE sql AS 'SELECT true'", /permission denied for schema graphile_worker/],
    ["ALTER TABLE app.jobs ADD CONSTRAINT pwn CHECK (true)", /must be owner of table jobs/],
    ["ALTER TABLE graphile_worker._private_jobs ADD CONSTRAINT pwn CHECK (true)", /must be owner of table _private_jobs/],
    ["CREATE TEMP TABLE t (x int)", /permission denied to create temporary tables/],
  ])("apex_app: %s is refused", async (sql, why) => {
    const r = await asApp(sql);
    expect(r.exitCode, r.stdout).not.toBe(0);
    expect(r.stderr).toMatch(why);
  });

  it("apex_app still does its job: reads and writes its tables through the queue functions", async () => {
    const r = await asApp("SELECT (graphile_worker.add_job('echo', '{}'::json)).id IS NOT NULL");
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe("t");
    expect((await asApp("SELECT count(*) >= 0 FROM app.jobs")).stdout.trim()).toBe("t");
  });

  it("no role that a service logs in as owns a database or a schema", async () => {
    const owners = await s.psql(`SELECT string_agg(DISTINCT pg_get_userbyid(o), ',' ORDER BY pg_get_userbyid(o)) FROM (
      SELECT datdba AS o FROM pg_database UNION ALL SELECT nspowner FROM pg_namespace) x`);
    // public belongs to pg_database_owner, that is to the superuser, who owns every database
    expect(owners.split(",").sort()).toEqual(["apex_owner", "pg_database_owner", "postgres"]);
    expect(await s.psql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'apex'")).toBe("postgres");
    expect(await s.psql("SELECT has_schema_privilege('apex_app', 'public', 'CREATE')")).toBe("f");
  });

  it("the superuser resolves names through pg_catalog only, and may not log in over the network", async () => {
    expect(await s.psql("SHOW search_path")).toBe("pg_catalog, pg_temp");
    const r = await s.compose(["exec", "-T", "logical_backup", "psql", "-X", "-h", "postgres", "-U", "postgres", "-d", "apex", "-c", "SELECT 1"]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/pg_hba\.conf rejects connection for host .* user "postgres"/);
  });

  it("the backup role reads everything and may change nothing", async () => {
    expect((await asBackup("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).stdout.trim()).toBe("f");
    expect((await asBackup("SELECT count(*) >= 0 FROM graphile_worker._private_jobs")).exitCode).toBe(0);
    const w = await asBackup("INSERT INTO app.jobs (task) VALUES ('echo')");
    expect(w.exitCode).not.toBe(0);
    expect(w.stderr).toMatch(/permission denied for table jobs/);
  });

  it("pghero reads statistics (pg_monitor), never rows: no schema, no table of the app", async () => {
    expect(
      await s.psql(`SELECT has_schema_privilege('pghero', 'app', 'USAGE'), has_schema_privilege('pghero', 'partman', 'USAGE'),
                           has_table_privilege('pghero', 'app.jobs', 'SELECT'), has_table_privilege('pghero', 'app.events', 'SELECT'),
                           pg_has_role('pghero', 'pg_monitor', 'USAGE')`),
    ).toBe("f|f|f|f|t");
  });

  it("a hostile dump's code never runs as a superuser: verify restores it unprivileged, restore refuses it", async () => {
    // What apex_app could plant before the fix, planted here by the superuser on its behalf:
    // a function owned by apex_app behind a CHECK constraint of a table with a row.
    // (apex.planting keeps it quiet while it is planted; a restore's session has no such flag)
    await s.psql(`
      SET apex.planting = 'on';
      CREATE FUNCTION app.pwn(text) RETURNS boolean LANGUAGE plpgsql AS $f$
      BEGIN
        IF current_setting('apex.planting', true) IS DISTINCT FROM 'on' THEN
          EXECUTE 'COPY (SELECT 1) TO PROGRAM ''id > /tmp/apex-pwned''';
        END IF;
        RETURN true;
      END $f$;
      ALTER FUNCTION app.pwn(text) OWNER TO apex_app;
      CREATE TABLE app.planted (task text CHECK (app.pwn(task)));
      ALTER TABLE app.planted OWNER TO apex_app;
      INSERT INTO app.planted VALUES ('x');`);
    try {
      const b = await s.manage(["backup", "--type=full", "--verify", "--json"]);
      const res = lastJson(b.stdout);
      // pwn() ran during the streamed verification restore, and was refused: not a superuser
      // there; the backup that did not verify was discarded
      expect(b.exitCode).toBe(1);
      expect(res.verification).toBe("failed");
      expect(res.steps.find((x: { name: string }) => x.name === "restore").detail).toMatch(/permission denied to COPY to or from an external program/);
      // the same through the ladder of a finished backup, and restore's own refusal
      const plain = lastJson((await s.manage(["backup", "--type=full", "--json"])).stdout);
      const v = lastJson((await s.manage(["verify", plain.id, "--json"])).stdout).verification;
      const step = v.steps.find((x: { name: string }) => x.name === "scratch_restore");
      expect(step.status).toBe("failed");
      expect(step.detail).toMatch(/permission denied to COPY to or from an external program/);
      for (const service of ["postgres", "logical_backup"]) {
        const f = await s.compose(["exec", "-T", service, "sh", "-c", "test ! -e /tmp/apex-pwned"]);
        expect(f.exitCode, `/tmp/apex-pwned exists in ${service}`).toBe(0);
      }
      const r = await s.manage(["restore", plain.id, "--into", "hostile_copy"]);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/holds objects owned by apex_app .*nothing restored/);
      expect(await s.psql("SELECT count(*) FROM pg_database WHERE datname LIKE 'hostile_copy%'", "postgres")).toBe("0");
    } finally {
      await s.psql("DROP TABLE app.planted; DROP FUNCTION app.pwn(text);");
    }
  });

  it("a restore gives the database back its own privileges (a dump without --create lacks them)", async () => {
    const b = await s.manage(["backup", "--type=full", "--json"]);
    expect(b.exitCode, b.stderr).toBe(0);
    const r = await s.manage(["restore", lastJson(b.stdout).id, "--into", "acl_copy", "--verify"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const acl = (db: string) => s.psql(`SELECT datacl::text FROM pg_database WHERE datname = '${db}'`, "postgres");
    expect(await acl("acl_copy")).toBe(await acl("apex"));
    expect(await acl("apex")).not.toMatch(/(^|[{,])=/); // PUBLIC holds nothing
    await s.psql("DROP DATABASE acl_copy", "postgres");
  });
});
