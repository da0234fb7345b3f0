// Liveness for compose without curl: the running worker touches a file on its /tmp tmpfs
// after each successful `SELECT 1`; `worker.mjs --health` checks the file's age.
import { statSync, writeFileSync } from "node:fs";

export function writeHeartbeat(file: string, now: Date = new Date()): void {
  writeFileSync(file, `${now.toISOString()}\n`);
}

/** null when healthy, otherwise the reason. */
export function heartbeatProblem(file: string, maxAgeMs: number, nowMs: number = Date.now()): string | null {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return `no heartbeat file at ${file}`;
  }
  const age = nowMs - mtimeMs;
  return age > maxAgeMs ? `heartbeat is ${Math.round(age)} ms old (limit ${maxAgeMs} ms)` : null;
}
