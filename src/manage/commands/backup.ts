// `manage backup|verify|list|prune`: thin wrappers over apex-backup in logical_backup.
import { UsageError } from "../../errors.ts";
import { remote } from "../remote.ts";
import type { Target } from "../target.ts";

const LOGICAL_ONLY =
  "a logical dump (pg_dump) always copies the whole database, there is no differential or incremental logical dump; use --type=full (incrementals need physical backups with WAL archiving, e.g. pgBackRest)";

export function checkType(type: string): void {
  if (["diff", "differential", "incr", "incremental"].includes(type)) throw new UsageError(`--type=${type} refused: ${LOGICAL_ONLY}`);
  if (type !== "full") throw new UsageError(`unknown --type "${type}": the only type is full`);
}

export function checkKeepDays(v: string | undefined): string[] {
  if (v === undefined) return [];
  if (!/^\d+$/.test(v)) throw new UsageError(`--keep-days must be a whole number of days, got "${v}"`);
  return ["--keep-days", v];
}

function print(json: boolean | undefined, result: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${human}\n`);
}

interface BackupOpts {
  type: string;
  verify?: boolean;
  label?: string;
  json?: boolean;
}

export async function run(t: Target, o: BackupOpts): Promise<number> {
  checkType(o.type);
  const args = ["backup", "--type", "full", ...(o.verify ? ["--verify"] : []), ...(o.label ? ["--label", o.label] : [])];
  const r = await remote(t, args);
  const res = r.result ?? {};
  // a backup whose verification failed was discarded: say why, as every other failure is said
  if (res.verification === "failed" && typeof res.error === "string") process.stderr.write(`manage: error: ${res.error}\n`);
  const v = res.verification ?? "not run (add --verify)";
  print(o.json, res, `backup ${res.id}: ${res.bytes} bytes, ${res.tables} tables, ${res.rows} rows in ${res.durationMs} ms; verification ${v}`);
  return res.verification === "failed" ? 1 : 0;
}

export async function verify(t: Target, o: { json?: boolean }, backup: string): Promise<number> {
  const r = await remote(t, ["verify", backup]);
  const res = r.result ?? {};
  const v = (res.verification ?? {}) as { status?: string; steps?: Array<{ name: string; status: string; detail?: string }> };
  const failed = v.steps?.find((s) => s.status === "failed");
  print(o.json, res, `verification of ${backup}: ${v.status}${failed ? ` at ${failed.name}: ${failed.detail}` : ""}`);
  return v.status === "passed" ? 0 : 1;
}

export async function list(t: Target, o: { json?: boolean }): Promise<number> {
  const r = await remote(t, ["list"], { quiet: true });
  const backups = (r.result?.backups ?? []) as Array<{ id: string; verification: string; bytes: number }>;
  const human = backups.length
    ? backups.map((b) => `${b.id.padEnd(32)} ${b.verification.padEnd(8)} ${String(b.bytes).padStart(14)} bytes`).join("\n")
    : "no finished backups";
  print(o.json, r.result, human);
  return 0;
}

export async function prune(t: Target, o: { keepDays?: string; json?: boolean }): Promise<number> {
  const r = await remote(t, ["prune", ...checkKeepDays(o.keepDays)]);
  const p = (r.result?.prune ?? {}) as { pruned?: string[]; kept?: number; newestVerified?: string | null };
  print(
    o.json,
    r.result,
    p.newestVerified
      ? `pruned ${p.pruned?.length ?? 0} backup(s) (${(p.pruned ?? []).join(", ") || "none"}); kept ${p.kept}; newest verified ${p.newestVerified}`
      : "nothing pruned: no verified backup exists yet",
  );
  return 0;
}
