// The database-posture checks on the real stack: all pass (or are waived by the recorded
// exemptions) on the intact stack, and each fails on the service it names when its part of
// the posture is broken on purpose in the live cluster. Every break is undone afterwards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDatabaseChecks } from "../database.ts";
import { applyExemptions, loadExemptions } from "../exemptions.ts";
import { testStack } from "../manage/testStack.ts";
import { loadResolvedCompose } from "../sources/compose.ts";
import type { CheckResult } from "../types.ts";

const s = testStack("apex-dbposture");
const run = async (files = s.target.files): Promise<CheckResult[]> => {
  const target = { ...s.target, files };
  const model = await loadResolvedCompose(target);
  return applyExemptions(await runDatabaseChecks(target, model), loadExemptions("infra/exemptions.yaml", [...Object.keys(model.services), "pghero"]));
};
const failing = (rs: CheckResult[]) => rs.filter((r) => r.status === "fail").map((r) => `${r.service} ${r.id}`).sort();

/** Break the cluster with `breakSql`, judge, and always undo with `fixSql`. */
async function broken(breakSql: string, fixSql: string): Promise<CheckResult[]> {
  await s.psql(breakSql);
  try {
    return await run();
  } finally {
    await s.psql(fixSql);
  }
}

beforeAll(() => s.up(), 600_000);
afterAll(() => s.down(), 180_000);

describe("database posture on the real stack", () => {
  it("the intact stack: every check passes on every service, or is waived with its recorded reason", async () => {
    const rs = await run();
    expect(failing(rs)).toEqual([]);
    const services = new Set(rs.filter((r) => r.id === "database/cannot-escalate").map((r) => r.service));
    expect([...services].sort()).toEqual(["api", "db_migrate", "logical_backup", "worker"]);
    expect(rs.filter((r) => r.status === "waived").map((r) => `${r.service} ${r.id}`).sort()).toEqual([
      "db_migrate database/cannot-escalate", "db_migrate database/role-owns-nothing", "logical_backup database/role-attributes",
    ]);
    const esc = rs.find((r) => r.service === "api" && r.id === "database/cannot-escalate")!;
    expect(esc.message).toMatch(/escalation attempts as apex_app, each refused/);
  });

  it("role-owns-nothing (and cannot-escalate): schema app given to apex_app", async () => {
    const rs = await broken("ALTER SCHEMA app OWNER TO apex_app", "ALTER SCHEMA app OWNER TO apex_owner");
    expect(failing(rs)).toEqual(["api database/cannot-escalate", "api database/role-owns-nothing", "worker database/cannot-escalate", "worker database/role-owns-nothing"]);
  });

  it("role-attributes: apex_app with CREATEROLE", async () => {
    const rs = await broken("ALTER ROLE apex_app CREATEROLE", "ALTER ROLE apex_app NOCREATEROLE");
    expect(failing(rs)).toEqual(["api database/role-attributes", "worker database/role-attributes"]);
    expect(rs.find((r) => r.service === "api" && r.id === "database/role-attributes")!.message).toBe("apex_app has CREATEROLE");
  });

  it("role-limits: apex_app without a connection limit", async () => {
    const rs = await broken("ALTER ROLE apex_app CONNECTION LIMIT -1", "ALTER ROLE apex_app CONNECTION LIMIT 60");
    expect(failing(rs)).toEqual(["api database/role-limits", "worker database/role-limits"]);
  });

  it("cannot-escalate: CREATE on public granted to apex_app", async () => {
    const rs = await broken("GRANT CREATE ON SCHEMA public TO apex_app", "REVOKE CREATE ON SCHEMA public FROM apex_app");
    expect(failing(rs)).toEqual(["api database/cannot-escalate", "worker database/cannot-escalate"]);
    expect(rs.find((r) => r.service === "api" && r.id === "database/cannot-escalate")!.message).toMatch(/CREATE OPERATOR public\.\|\| → succeeded/);
  });

  it("public-privileges: CREATE on schema app granted to PUBLIC", async () => {
    const rs = await broken("GRANT CREATE ON SCHEMA app TO PUBLIC", "REVOKE CREATE ON SCHEMA app FROM PUBLIC");
    expect(failing(rs)).toContain("postgres database/public-privileges");
  });

  it("security-definer-search-path: a SECURITY DEFINER function without search_path", async () => {
    const rs = await broken(
      "CREATE FUNCTION ops.apex_probe_definer() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'",
      "DROP FUNCTION ops.apex_probe_definer()",
    );
    expect(failing(rs)).toEqual(["postgres database/security-definer-search-path"]);
  });

  it("hba-superuser-local: a pg_hba that lets the superuser in over the network", async () => {
    const open = [...s.target.files, "src/database/testdata/hba-open.yaml"];
    const withOpen = { ...s.target, files: open };
    const { compose } = await import("../docker.ts");
    await compose(withOpen, ["up", "-d", "--wait", "--no-deps", "postgres"], { timeoutMs: 300_000 });
    try {
      const rs = await run(open);
      expect(failing(rs)).toEqual(["postgres database/hba-superuser-local"]);
      expect(rs.find((r) => r.id === "database/hba-superuser-local")!.message).toMatch(/postgres \(line \d+: host all all scram-sha-256\)/);
    } finally {
      await compose(s.target, ["up", "-d", "--wait", "--no-deps", "postgres"], { timeoutMs: 300_000 });
    }
  });
});
