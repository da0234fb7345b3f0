// Runs apex-backup (the in-image implementation shared with the scheduled service) inside a
// running container through `docker compose exec`: logical_backup for backups (as
// apex_backup), postgres for restore and maintenance (the superuser, on the server's own
// socket). Always as the service's own user, with its hardening in place (never
// --privileged, never --user root).
import { $ } from "zx";
import { UsageError } from "../errors.ts";
import { BACKUP_SERVICE, composePrefix, type Target } from "./target.ts";

export interface RemoteResult {
  argv: string[];
  exitCode: number;
  /** The JSON line apex-backup prints last on stdout. */
  result: Record<string, unknown> | null;
  stdout: string;
  stderr: string;
}

/** Thrown when apex-backup itself reports a failure (exit 1): the message is its one line. */
export class OperationError extends Error {}

export function execArgv(t: Target, args: string[], service = BACKUP_SERVICE): string[] {
  return [...composePrefix(t), "exec", "-T", service, "apex-backup", ...args];
}

export function lastJsonLine(stdout: string): Record<string, unknown> | null {
  const lines = stdout.trim().split("\n").reverse();
  for (const l of lines) {
    if (!l.startsWith("{")) continue;
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch {
      return null;
    }
  }
  return null;
}

/** Progress lines through to our stderr. Left out, because manage prints the same error
 *  itself, once: apex-backup's own "error:" line, and docker compose's own complaint when
 *  the exec could not start (explainExecFailure words it better). */
function streamProgress(t: Target, service: string, stream: NodeJS.ReadableStream): void {
  const shown = (l: string) => !l.startsWith("error: ") && explainExecFailure(t, l, service) === null;
  let buf = "";
  stream.on("data", (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split("\n");
    buf = lines.pop() ?? "";
    for (const l of lines) if (shown(l)) process.stderr.write(`${l}\n`);
  });
  stream.on("end", () => {
    if (buf && shown(buf)) process.stderr.write(`${buf}\n`);
  });
}

/** Why `docker compose exec` could not even start apex-backup, in one line, or null. */
export function explainExecFailure(t: Target, stderr: string, service = BACKUP_SERVICE): string | null {
  const up = `docker compose ${t.files.map((f) => `-f ${f}`).join(" ")} -p ${t.projectName} up -d`;
  if (/is not running|no container found|No such container/i.test(stderr))
    return `service ${service} is not running in project "${t.projectName}": start the stack first (${up})`;
  if (/no such service/i.test(stderr)) return `the compose file has no service "${service}"`;
  if (/executable file not found|apex-backup: not found/i.test(stderr))
    return `apex-backup is missing from the ${service} image: rebuild it (docker compose build postgres)`;
  if (/Cannot connect to the Docker daemon|error during connect/i.test(stderr))
    return "cannot reach the Docker daemon (is dockerd running? is DOCKER_HOST right?)";
  return null;
}

/**
 * Run `apex-backup <args>` in the service; its progress (stderr) streams to ours unless
 * quiet. Exit 2 from either side becomes a UsageError, exit 1 an OperationError.
 */
export async function remote(t: Target, args: string[], opts: { quiet?: boolean; service?: string } = {}): Promise<RemoteResult> {
  const service = opts.service ?? BACKUP_SERVICE;
  const argv = execArgv(t, args, service);
  const p = $({ nothrow: true, quiet: true })`docker ${argv}`;
  if (!opts.quiet) streamProgress(t, service, p.stderr);
  const out = await p;
  const res: RemoteResult = {
    argv: ["docker", ...argv],
    exitCode: out.exitCode ?? 1,
    result: lastJsonLine(out.stdout),
    stdout: out.stdout,
    stderr: out.stderr,
  };
  if (res.exitCode === 0) return res;
  const error = typeof res.result?.error === "string" ? res.result.error : null;
  if (!error) {
    const why = explainExecFailure(t, out.stderr, service);
    if (why) throw new UsageError(why);
  }
  const msg = error ?? (out.stderr.trim().split("\n").pop() || `apex-backup exited ${res.exitCode}`);
  if (res.exitCode === 2) throw new UsageError(msg);
  // a finished verification that failed is a result, not a crash: the caller reports it
  if (res.result && "verification" in res.result) return res;
  throw new OperationError(msg);
}
