// Daily maintenance under hardening: seed app.events across the 30-day retention window,
// remove the newest premade partition, run `manage daily-maintenance`, then check that the
// premade partitions are back and the expired ones are gone.
import { fail, pass, type Workflow } from "./workflow.ts";

// Days relative to today: three past the 30-day retention, one inside it.
const EXPIRED_DAYS = [40, 35, 32];
const KEPT_DAY = 20;
const PREMAKE = 4;

const SEED = `
SET ROLE apex_partman;
SELECT partman.create_partition_time('app.events',
  ARRAY[${[...EXPIRED_DAYS, KEPT_DAY].map((d) => `date_trunc('day', now()) - interval '${d} days'`).join(", ")}]::timestamptz[]);
RESET ROLE;
INSERT INTO app.events (created_at, kind, payload)
  SELECT date_trunc('day', now()) - d * interval '1 day' + g * interval '1 minute', 'workflow-seed', jsonb_build_object('g', g)
  FROM unnest(ARRAY[${[...EXPIRED_DAYS, KEPT_DAY].join(", ")}]) d, generate_series(1, 50) g;
`;

const partitionName = (offsetDays: number) =>
  `'app.events_p' || to_char(date_trunc('day', now()) + interval '${offsetDays} days', 'YYYYMMDD')`;

export const maintenancePartitions: Workflow = {
  service: "postgres",
  meta: {
    id: "workflow/maintenance-partitions",
    kind: "workflow",
    title: "Daily maintenance premakes future partitions and drops those past retention",
    severity: "high",
    refs: ["pg_partman run_maintenance_proc", "pg_partman retention"],
    remediation:
      "Run `scripts/manage daily-maintenance` and read its report; run_maintenance_proc must run outside a transaction as a role that owns app.events' partitions, and part_config must carry premake and retention.",
  },
  async run(ctx) {
    await ctx.psql(SEED, { note: "seed: partitions and rows 40, 35, 32 and 20 days old" });
    // pg_partman premakes forward from the newest child and never fills gaps: take the newest
    const newest = await ctx.psql(
      `SELECT partition_schemaname || '.' || partition_tablename FROM partman.show_partitions('app.events', 'DESC') LIMIT 1`,
    );
    await ctx.psql(`DROP TABLE IF EXISTS ${newest}`, { note: `remove the newest premade partition ${newest}` });

    const m = await ctx.manage(["daily-maintenance", "--no-prune"]);
    if (m.r.exitCode !== 0 || !m.json) return fail(`daily-maintenance exited ${m.r.exitCode}: ${m.r.stderr.trim().split("\n").pop()}`);
    const parts = m.json.partitions as { created: string[]; removed: string[] };

    const expiredNames = (await ctx.psql(`SELECT ${EXPIRED_DAYS.map((d) => partitionName(-d)).join(" || ',' || ")}`)).split(",");
    const problems: string[] = [];
    if (!parts.created.includes(newest)) problems.push(`${newest} was not re-created (created: ${parts.created.join(", ") || "none"})`);
    for (const n of expiredNames) if (!parts.removed.includes(n)) problems.push(`${n} (past retention) still attached`);
    const premade = await ctx.psql(
      `SELECT count(*) FROM generate_series(0, ${PREMAKE}) d
        WHERE to_regclass('app.events_p' || to_char(date_trunc('day', now()) + d * interval '1 day', 'YYYYMMDD')) IS NOT NULL`,
    );
    if (premade !== String(PREMAKE + 1)) problems.push(`only ${premade} of today + ${PREMAKE} premade partitions exist`);
    const old = await ctx.psql(`SELECT count(*) FROM app.events WHERE created_at < now() - interval '31 days'`);
    if (old !== "0") problems.push(`${old} rows older than the retention are still visible`);
    const kept = await ctx.psql(`SELECT count(*) FROM app.events WHERE kind = 'workflow-seed' AND created_at >= date_trunc('day', now()) - interval '${KEPT_DAY} days' AND created_at < date_trunc('day', now()) - interval '${KEPT_DAY - 1} days'`);
    if (kept === "0") problems.push(`the ${KEPT_DAY}-day-old rows (inside retention) were lost`);
    const stuck = m.json.defaultRows as string[];
    if (stuck.length) problems.push(`rows in default partitions: ${stuck.join(", ")}`);
    if (problems.length) return fail(problems.join("; "));
    return pass(`re-created ${newest}; dropped ${expiredNames.join(", ")}; today + ${PREMAKE} days premade; ${kept} rows inside retention kept`);
  },
};
