// `manage restore <backup> [--into DB] [--force] [--verify]`.
import { UsageError } from "../../errors.ts";
import { remote } from "../remote.ts";
import { DB_SERVICE, type Target } from "../target.ts";

interface RestoreOpts {
  into?: string;
  force?: boolean;
  verify?: boolean;
  json?: boolean;
}

export async function run(t: Target, o: RestoreOpts, backup: string): Promise<number> {
  if (o.into !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(o.into))
    throw new UsageError(`--into "${o.into}" is not a plain database name ([A-Za-z_][A-Za-z0-9_]*, at most 63)`);
  const args = ["restore", backup, ...(o.into ? ["--into", o.into] : []), ...(o.force ? ["--force"] : []), ...(o.verify ? ["--verify"] : [])];
  const r = await remote(t, args, { service: DB_SERVICE });
  const res = r.result ?? {};
  const human = `restored ${res.id} into ${res.database}${res.replaced ? " (replaced the existing database)" : ""} in ${res.durationMs} ms; verification ${res.verification ?? "not run (add --verify)"}`;
  process.stdout.write(o.json ? `${JSON.stringify(res)}\n` : `${human}\n`);
  return 0;
}
