// What a workflow check can do to the stack, each action recorded as evidence (the command,
// its exit code and output). Docker is reached only through ../docker.ts; `manage` is run
// as the operators run it (node scripts/manage ...), so the workflow proves that tool.
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import type { Caller } from "../../services/api/src/guard/callers.ts";
import { compose, run, type ComposeTarget, type RunResult } from "../docker.ts";
import { clip } from "../redact.ts";
import { loadResolvedCompose, type ResolvedCompose } from "../sources/compose.ts";
import type { CheckResult, Evidence } from "../types.ts";
import { apiCallersOf, type ApiCallers } from "./callers.ts";

const MAX_OUTPUT = 4000;

export class WorkflowError extends Error {}

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface HttpOptions {
  body?: unknown;
  /** Record the request as evidence (default true). */
  record?: boolean;
  /** Who calls: the run's own caller (default), another listed caller, or nobody (no token). */
  as?: "own" | "other" | "anonymous" | Caller;
  /** Extra request headers (a forged Host, a wrong token, a padded body's type). */
  headers?: Record<string, string>;
  /** The body exactly as sent (not JSON-encoded). */
  raw?: string;
}

interface HttpRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export class WorkflowContext {
  readonly evidence: Evidence[] = [];
  /** How long queued jobs may take to finish before the queue checks fail. */
  queueBoundMs = 60_000;
  /** The run's own policy results (verify passes them): checks that are views of the policy
   *  read them instead of resolving compose again. */
  policy?: CheckResult[];
  /** The run's resolved compose model (verify passes it; otherwise resolved on first need). */
  model?: ResolvedCompose;
  private apiBase: string | null = null;
  private apiCallers: ApiCallers | null = null;

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

  /** The run's resolved compose model: the one verify passed, else resolved once, here. */
  async resolved(): Promise<ResolvedCompose> {
    return (this.model ??= await loadResolvedCompose(this.target));
  }

  /** The api callers this run acts as, from the api service's tokens secret. */
  async callers(): Promise<ApiCallers> {
    if (this.apiCallers) return this.apiCallers;
    try {
      this.apiCallers = apiCallersOf(await this.resolved());
    } catch (e) {
      throw new WorkflowError((e as Error).message);
    }
    return this.apiCallers;
  }

  async http(method: "GET" | "POST", path: string, opts: HttpOptions = {}): Promise<HttpResult> {
    const headers: Record<string, string> = {};
    const as = opts.as ?? "own";
    const caller = as === "anonymous" ? null : typeof as === "object" ? as : await this.callerFor(as);
    if (caller) headers.authorization = `Bearer ${caller.token}`;
    const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
    if (body !== undefined) headers["content-type"] = "application/json";
    Object.assign(headers, opts.headers);
    const req: HttpRequest = { method, path, headers, ...(body === undefined ? {} : { body }) };
    const send = async () => (apiReachableFromHere() ? this.httpFromHost(req) : (await this.httpFromInside([req]))[0]!);
    let res = await send();
    // a well-behaved client: on 429 it waits as long as the api asks, a few times
    for (let tries = 0; res.status === 429 && tries < 5; tries++) {
      await sleep(Math.min(5, Number(res.headers["retry-after"]) || 1) * 1000);
      res = await send();
    }
    return this.answer(req, res, caller, opts.record ?? true);
  }

  /** The same request `n` times at once (from one client), for limits that count requests. */
  async burst(method: "GET" | "POST", path: string, n: number, as: "own" | "other" = "own"): Promise<HttpResult[]> {
    const caller = await this.callerFor(as);
    const req: HttpRequest = { method, path, headers: { authorization: `Bearer ${caller.token}` } };
    const reqs = Array.from({ length: n }, () => req);
    const raws = apiReachableFromHere() ? await Promise.all(reqs.map((r) => this.httpFromHost(r))) : await this.httpFromInside(reqs);
    const out = raws.map((raw) => this.answer(req, raw, caller, false));
    const counts = out.reduce<Record<number, number>>((a, r) => ({ ...a, [r.status]: (a[r.status] ?? 0) + 1 }), {});
    this.evidence.push({ command: [method, raws[0]!.url, `x${n} as ${caller.name}`], output: `answers: ${Object.entries(counts).map(([s, k]) => `${k}×${s}`).join(", ")}` });
    return out;
  }

  /** Runs SLOW_CLIENT against the api; `holdMs` is how long it waits at most. */
  async slowClient(holdMs: number): Promise<{ heldMs: number; closed: boolean; answer: string }> {
    let r: RunResult;
    if (apiReachableFromHere()) {
      const [host, port] = new URL(await this.api()).host.split(":");
      r = await run(process.execPath, ["-e", SLOW_CLIENT, host!, port!, String(holdMs)], { timeoutMs: holdMs + 10_000 });
    } else {
      r = await compose(this.target, ["exec", "-T", "api", "node", "--v8-pool-size=1", "-e", SLOW_CLIENT, "127.0.0.1", "8080", String(holdMs)], { timeoutMs: holdMs + 30_000 });
    }
    if (r.exitCode !== 0) throw new WorkflowError(`the slow client could not run: ${lastLine(r)}`);
    const out = JSON.parse(r.stdout.trim()) as { heldMs: number; closed: boolean; answer: string };
    this.evidence.push({ command: ["slow client", "half a request's headers, then nothing"], output: JSON.stringify(out) });
    return out;
  }

  private async callerFor(which: "own" | "other"): Promise<Caller> {
    const c = await this.callers();
    if (which === "own") return c.own;
    if (!c.other) throw new WorkflowError(`the api's tokens file lists one caller (${c.own.name}); a second is needed to prove that callers cannot see each other's jobs`);
    return c.other;
  }

  private answer(req: HttpRequest, raw: RawHttp, caller: Caller | null, record: boolean): HttpResult {
    let parsed: unknown = raw.text;
    try {
      parsed = JSON.parse(raw.text);
    } catch {
      /* not JSON: keep the text */
    }
    if (record) {
      const shown = Object.entries(req.headers).filter(([k]) => k !== "authorization" && k !== "content-type").map(([k, v]) => `${k}: ${v.slice(0, 80)}`);
      this.evidence.push({
        // the token never: only whose it was
        command: [req.method, raw.url, `as ${caller ? caller.name : "anonymous"}`, ...shown, ...(req.body === undefined ? [] : [clip(req.body, 200, "head")])],
        exitCode: raw.status,
        output: `${raw.status} x-cache=${raw.headers["x-cache"] ?? "-"} ${raw.text.slice(0, 500)}`,
      });
    }
    return { status: raw.status, headers: raw.headers, body: parsed };
  }

  private async httpFromHost(req: HttpRequest): Promise<RawHttp> {
    const url = `${await this.api()}${req.path}`;
    // undici does not let a request set Host: a forged Host goes through node's http module.
    if (req.headers.host) return hostHeaderRequest(url, req);
    const res = await fetch(url, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(15_000) });
    return { url, status: res.status, headers: Object.fromEntries(res.headers.entries()), text: await res.text() };
  }

  /**
   * When the Docker host is another machine (Docker-in-Dagger, a remote DOCKER_HOST) the
   * published port is on its loopback, not ours: ask the api container's own node instead.
   * The requests go in on stdin (a token never on a command line), all from one node.
   */
  private async httpFromInside(reqs: HttpRequest[]): Promise<RawHttp[]> {
    // One node at a time, with few threads: every node started in the api container counts
    // against its pids_limit, and a thread that cannot be created is a fatal V8 error.
    const argv = ["exec", "-T", "-e", "UV_THREADPOOL_SIZE=1", "api", "node", "--v8-pool-size=1", "-e", IN_CONTAINER_FETCH];
    const turn = insideQueue.then(() => compose(this.target, argv, { timeoutMs: 60_000, input: JSON.stringify(reqs) }));
    insideQueue = turn.then(() => undefined, () => undefined);
    const r = await turn;
    if (r.exitCode !== 0) throw new WorkflowError(`request from inside the api container failed: ${lastLine(r)}`);
    return (JSON.parse(r.stdout) as Array<Omit<RawHttp, "url">>).map((x, i) => ({ url: `api:http://127.0.0.1:8080${reqs[i]!.path}`, ...x }));
  }
}

/**
 * A client that sends half a request's headers and then nothing (slowloris): prints how long
 * the server kept the connection open and the first line of what it answered, if anything.
 * Run by this machine's node or, for a remote engine, by the api container's.
 */
export const SLOW_CLIENT = `const net = require("node:net");
const [host, port, holdMs] = process.argv.slice(1);
const t0 = Date.now(); let answer = "";
const s = net.connect(Number(port), host, () => s.write("GET /health HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nX-Slow: "));
const done = (closed) => { console.log(JSON.stringify({ heldMs: Date.now() - t0, closed, answer: answer.split("\\r\\n")[0] })); process.exit(0); };
s.on("data", (d) => (answer += d)); s.on("close", () => done(true)); s.on("error", () => {});
setTimeout(() => done(false), Number(holdMs));`;

/** A request with the Host header we choose (fetch always sends the URL's own). */
function hostHeaderRequest(url: string, req: HttpRequest): Promise<RawHttp> {
  return new Promise((resolveRaw, reject) => {
    const r = httpRequest(url, { method: req.method, headers: req.headers, timeout: 15_000 }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolveRaw({ url, status: res.statusCode ?? 0, headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])), text }));
    });
    r.on("timeout", () => r.destroy(new Error("no answer within 15 s")));
    r.on("error", reject);
    r.end(req.body);
  });
}

let insideQueue: Promise<void> = Promise.resolve();

interface RawHttp {
  url: string;
  status: number;
  headers: Record<string, string>;
  text: string;
}

// Run by the api image's node: reads [{method, path, headers, body}] on stdin, sends them all
// at once with node's http module (which, unlike fetch, lets a request set Host), prints
// [{status, headers, text}] as one JSON line.
const IN_CONTAINER_FETCH = `const http = require("node:http");
let input = "";
process.stdin.on("data", (c) => (input += c)).on("end", () => {
  const one = (q) => new Promise((ok, bad) => {
    const r = http.request("http://127.0.0.1:8080" + q.path, { method: q.method, headers: q.headers, timeout: 15000, agent: false }, (res) => {
      let text = ""; res.setEncoding("utf8");
      res.on("data", (c) => (text += c)).on("end", () => ok({ status: res.statusCode, headers: res.headers, text }));
    });
    r.on("timeout", () => r.destroy(new Error("no answer within 15 s"))).on("error", bad);
    r.end(q.body);
  });
  Promise.all(JSON.parse(input).map(one)).then((a) => console.log(JSON.stringify(a)), (e) => { console.error(String(e)); process.exit(1); });
});`;

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
