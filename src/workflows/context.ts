// What a workflow check can do to the stack, each action recorded as evidence (the command,
// its exit code and output). Docker is reached only through ../docker.ts; `manage` is run
// as the operators run it (node scripts/manage ...), so the workflow proves that tool.
import { join } from "node:path";
import { compose, run, type ComposeTarget, type RunResult } from "../docker.ts";
import { clip } from "../redact.ts";
import type { CheckResult, Evidence } from "../types.ts";

const MAX_OUTPUT = 4000;

export class WorkflowError extends Error {}

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export class WorkflowContext {
  readonly evidence: Evidence[] = [];
  /** How long queued jobs may take to finish before the queue checks fail. */
  queueBoundMs = 60_000;
  /** The run's own policy results (verify passes them): checks that are views of the policy
   *  read them instead of resolving compose again. */
  policy?: CheckResult[];
  private apiBase: string | null = null;

  constructor(
    readonly target: ComposeTarget,
    readonly repoRoot: string,
  ) {}

  record(r: RunResult, note?: string): RunResult {
    const output = `${r.stdout}${r.stderr ? `\n[stderr]\n${r.stderr}` : ""}`.trim();
    this.evidence.push({
      command: r.argv,
      exitCode: r.exitCode,
      output: clip(output, MAX_OUTPUT, "both"),
      ...(note ? { note } : {}),
    });
    return r;
  }

  note(note: string, extra: Partial<Evidence> = {}): void {
    this.evidence.push({ note, ...extra });
  }

  /** `docker compose <args>` on the target project. */
  async compose(args: string[], opts: { input?: string; timeoutMs?: number; note?: string } = {}): Promise<RunResult> {
    return this.record(await compose(this.target, args, { input: opts.input, timeoutMs: opts.timeoutMs ?? 300_000 }), opts.note);
  }

  async mustCompose(args: string[], opts: { input?: string; timeoutMs?: number; note?: string } = {}): Promise<RunResult> {
    const r = await this.compose(args, opts);
    if (r.exitCode !== 0) throw new WorkflowError(`docker compose ${args.slice(0, 3).join(" ")} exited ${r.exitCode}: ${lastLine(r)}`);
    return r;
  }

  /** `scripts/manage <args> --json` against the target; returns its parsed result line. */
  async manage(args: string[], opts: { timeoutMs?: number } = {}): Promise<{ r: RunResult; json: Record<string, unknown> | null }> {
    const stack = [...this.target.files.flatMap((f) => ["-f", f]), ...(this.target.projectName ? ["-p", this.target.projectName] : [])];
    const argv = [join(this.repoRoot, "scripts/manage"), ...args, ...stack, "--json"];
    const r = this.record(await run(process.execPath, argv, { cwd: this.repoRoot, timeoutMs: opts.timeoutMs ?? 1_800_000 }));
    const line = r.stdout.trim().split("\n").pop() ?? "";
    let json: Record<string, unknown> | null = null;
    try {
      json = line.startsWith("{") ? (JSON.parse(line) as Record<string, unknown>) : null;
    } catch {
      json = null;
    }
    return { r, json };
  }

  /** SQL as the postgres superuser over the container's unix socket (peer auth). */
  async psql(sql: string, opts: { db?: string; note?: string } = {}): Promise<string> {
    const r = await this.compose(
      ["exec", "-T", "postgres", "psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", opts.db ?? "apex"],
      { input: sql, note: opts.note },
    );
    if (r.exitCode !== 0) throw new WorkflowError(`psql failed: ${lastLine(r)}`);
    return r.stdout.trim();
  }

  /** http://127.0.0.1:<port> of the api, from `docker compose port api 8080`. */
  async api(): Promise<string> {
    if (this.apiBase) return this.apiBase;
    const r = await this.mustCompose(["port", "api", "8080"]);
    const hostPort = r.stdout.trim().split("\n")[0];
    const port = hostPort.split(":").pop();
    if (!port || !/^\d+$/.test(port)) throw new WorkflowError(`cannot tell the api's published port from "${hostPort}"`);
    this.apiBase = `http://127.0.0.1:${port}`;
    return this.apiBase;
  }

  async http(method: "GET" | "POST", path: string, body?: unknown, record = true): Promise<HttpResult> {
    const { url, status, headers, text } = apiReachableFromHere()
      ? await this.httpFromHost(method, path, body)
      : await this.httpFromInside(method, path, body);
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    if (record)
      this.evidence.push({
        command: [method, url, ...(body === undefined ? [] : [JSON.stringify(body)])],
        exitCode: status,
        output: `${status} x-cache=${headers["x-cache"] ?? "-"} ${text.slice(0, 500)}`,
      });
    return { status, headers, body: parsed };
  }

  private async httpFromHost(method: string, path: string, body?: unknown): Promise<RawHttp> {
    const url = `${await this.api()}${path}`;
    const res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    return { url, status: res.status, headers: Object.fromEntries(res.headers.entries()), text: await res.text() };
  }

  /**
   * When the Docker host is another machine (Docker-in-Dagger, a remote DOCKER_HOST) the
   * published port is on its loopback, not ours: ask the api container's own node instead.
   */
  private async httpFromInside(method: string, path: string, body?: unknown): Promise<RawHttp> {
    const url = `http://127.0.0.1:8080${path}`;
    // One at a time, with few threads: every node started in the api container counts
    // against its pids_limit, and a thread that cannot be created is a fatal V8 error.
    const argv = ["exec", "-T", "-e", "UV_THREADPOOL_SIZE=1", "api", "node", "--v8-pool-size=1", "-e", IN_CONTAINER_FETCH, method, url, body === undefined ? "" : JSON.stringify(body)];
    const turn = insideQueue.then(() => compose(this.target, argv, { timeoutMs: 30_000 }));
    insideQueue = turn.then(() => undefined, () => undefined);
    const r = await turn;
    if (r.exitCode !== 0) throw new WorkflowError(`request from inside the api container failed: ${lastLine(r)}`);
    return { url: `api:${url}`, ...(JSON.parse(r.stdout) as Omit<RawHttp, "url">) };
  }
}

let insideQueue: Promise<void> = Promise.resolve();

interface RawHttp {
  url: string;
  status: number;
  headers: Record<string, string>;
  text: string;
}

// Run by the api image's node; prints {status, headers, text} as one JSON line.
const IN_CONTAINER_FETCH = `const [m, u, b] = process.argv.slice(1);
fetch(u, { method: m, headers: b ? { "content-type": "application/json" } : {}, body: b || undefined, signal: AbortSignal.timeout(15000) })
  .then(async (r) => console.log(JSON.stringify({ status: r.status, headers: Object.fromEntries(r.headers), text: await r.text() })))
  .catch((e) => { console.error(String(e)); process.exit(1); });`;

/** The api's published port is reachable from here only when the engine is local. */
export function apiReachableFromHere(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.APEX_API_FROM === "inside") return false;
  if (env.APEX_API_FROM === "host") return true;
  const host = env.DOCKER_HOST ?? "";
  return host === "" || host.startsWith("unix://") || /^tcp:\/\/(127\.|localhost[:/]|\[::1\])/.test(host);
}

export function lastLine(r: RunResult): string {
  return (r.stderr.trim() || r.stdout.trim()).split("\n").pop() ?? "";
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll until `done` returns a value or the bound passes (then null). */
export async function within<T>(ms: number, every: number, done: () => Promise<T | null>): Promise<T | null> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await done();
    if (v !== null) return v;
    if (Date.now() > end) return null;
    await sleep(every);
  }
}
