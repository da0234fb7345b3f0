// `manage daily-maintenance`: what it did, in a few lines.
import { remote } from "../remote.ts";
import { DB_SERVICE, type Target } from "../target.ts";
import { checkKeepDays } from "./backup.ts";

interface MaintOpts {
  keepDays?: string;
  reset: boolean;
  prune: boolean;
  json?: boolean;
}

interface MaintResult {
  partitions: { created: string[]; removed: string[]; attached: number };
  defaultRows: string[];
  vacuumed: string[];
  pgStatStatements: { saved: number; reset: boolean };
  prune: { pruned?: string[]; newestVerified?: string | null } | null;
  durationMs: number;
}

export function summarize(r: MaintResult): string {
  const p = r.partitions;
  return [
    `partitions: created ${p.created.length}${p.created.length ? ` (${p.created.join(", ")})` : ""}; detached or dropped ${p.removed.length}${p.removed.length ? ` (${p.removed.join(", ")})` : ""}; ${p.attached} attached`,
    `default partitions: ${r.defaultRows.length ? `ROWS STUCK ${r.defaultRows.join(", ")}` : "empty"}`,
    `vacuum (analyze): ${r.vacuumed.join(", ") || "nothing busy"}`,
    `pg_stat_statements: ${r.pgStatStatements.saved} statements saved to ops.pg_stat_statements_snapshot${r.pgStatStatements.reset ? ", counters reset" : ""}`,
    `backups: ${r.prune === null ? "pruning skipped" : r.prune.newestVerified ? `pruned ${r.prune.pruned?.length ?? 0}` : "nothing pruned (no verified backup yet)"}`,
    `done in ${r.durationMs} ms`,
  ].join("\n");
}

export async function run(t: Target, o: MaintOpts): Promise<number> {
  // The database work needs the superuser (postgres container); pruning needs the backups
  // volume writable, which only logical_backup has.
  const keep = checkKeepDays(o.keepDays);
  const r = await remote(t, ["maintenance", "--no-prune", ...keep, ...(o.reset ? [] : ["--no-reset"])], { service: DB_SERVICE });
  const result = r.result as unknown as MaintResult;
  if (o.prune) result.prune = ((await remote(t, ["prune", ...keep])).result?.prune ?? null) as MaintResult["prune"];
  process.stdout.write(o.json ? `${JSON.stringify(result)}\n` : `${summarize(result)}\n`);
  return 0;
}
