// For *.docker.test.ts: a throwaway compose project of the real stack (unique name, always
// torn down with its volumes), and `scripts/manage` run against it as a child process.
import { join } from "node:path";
import { compose, run, type ComposeTarget, type RunResult } from "../docker.ts";
import { DEFAULT_COMPOSE, REPO_ROOT } from "./target.ts";

export interface TestStack {
  target: ComposeTarget;
  compose(args: string[], input?: string): Promise<RunResult>;
  manage(args: string[]): Promise<RunResult>;
  psql(sql: string, db?: string): Promise<string>;
  /** Run a constant shell script in logical_backup (as its own user, 999). */
  inBackup(script: string, ...args: string[]): Promise<RunResult>;
  up(services?: string[]): Promise<void>;
  down(): Promise<void>;
}

export function testStack(prefix: string, extraFiles: string[] = []): TestStack {
  const target: ComposeTarget = {
    files: [DEFAULT_COMPOSE, ...extraFiles],
    projectName: `${prefix}-${Math.random().toString(36).slice(2, 8)}`,
  };
  const stackFlags = [...target.files.flatMap((f) => ["-f", f]), "-p", target.projectName!];
  const s: TestStack = {
    target,
    compose: (args, input) => compose(target, args, { input, timeoutMs: 600_000 }),
    manage: (args) => run(process.execPath, [join(REPO_ROOT, "scripts/manage"), ...args, ...stackFlags], { cwd: REPO_ROOT, timeoutMs: 600_000 }),
    async psql(sql, db = "apex") {
      const r = await s.compose(["exec", "-T", "postgres", "psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", db], sql);
      if (r.exitCode !== 0) throw new Error(`psql: ${r.stderr}`);
      return r.stdout.trim();
    },
    inBackup: (script, ...args) => s.compose(["exec", "-T", "logical_backup", "sh", "-c", script, "sh", ...args]),
    async up(services = []) {
      const r = await s.compose(["up", "-d", "--wait", ...services]);
      if (r.exitCode !== 0) throw new Error(`compose up failed: ${r.stderr.slice(-2000)}`);
    },
    async down() {
      await s.compose(["down", "-v", "--remove-orphans", "-t", "5"]);
    },
  };
  return s;
}
