// The one place apex spawns docker. Commands are argv arrays, never shell strings, so no
// service name or path can be interpreted by a shell.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync } from "node:fs";

// Children still running, so that an interrupted run can stop them before tearing down.
const live = new Set<ChildProcess>();

/** Stop every docker command this process started and that is still running. */
export function killRunning(signal: NodeJS.Signals = "SIGTERM"): void {
  for (const c of live) c.kill(signal);
}

export interface RunResult {
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Stream stderr to ours (long builds show progress). */
  inheritStderr?: boolean;
}

/** APEX_TRACE_DOCKER=FILE: every command this process runs, one "pid<TAB>argv" line each
 *  (how a test counts what one run asks of compose). */
function trace(cmd: string, args: string[]): void {
  const file = process.env.APEX_TRACE_DOCKER;
  if (file) appendFileSync(file, `${process.pid}\t${JSON.stringify([cmd, ...args])}\n`);
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  trace(cmd, args);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["pipe", "pipe", opts.inheritStderr ? "inherit" : "pipe"],
      timeout: opts.timeoutMs,
    });
    live.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", (e) => {
      live.delete(child);
      reject(e);
    });
    child.on("close", (code, signal) => {
      live.delete(child);
      resolve({
        argv: [cmd, ...args],
        exitCode: code ?? (signal ? 128 + 15 : 1),
        stdout,
        stderr,
        durationMs: performance.now() - started,
      });
    });
    // A child that exits before reading its stdin makes this write fail with EPIPE; that is
    // not an error of ours (the exit code says what happened), and unhandled it kills the run.
    child.stdin!.on("error", () => undefined);
    child.stdin!.end(opts.input ?? "");
  });
}

export function docker(args: string[], opts?: RunOptions): Promise<RunResult> {
  return run("docker", args, opts);
}

/** Which compose project to talk to: the same flags `docker compose` itself takes. */
export interface ComposeTarget {
  files: string[];
  projectName?: string;
  profiles?: string[];
  projectDirectory?: string;
  envFiles?: string[];
}

export function composeArgs(t: ComposeTarget): string[] {
  const args = ["compose"];
  for (const f of t.files) args.push("-f", f);
  if (t.projectName) args.push("-p", t.projectName);
  if (t.projectDirectory) args.push("--project-directory", t.projectDirectory);
  for (const e of t.envFiles ?? []) args.push("--env-file", e);
  for (const p of t.profiles ?? []) args.push("--profile", p);
  return args;
}

export function compose(t: ComposeTarget, args: string[], opts?: RunOptions): Promise<RunResult> {
  return docker([...composeArgs(t), ...args], opts);
}

/** Throws with docker's own stderr when a command that must succeed did not. */
export function mustSucceed(r: RunResult, what: string): RunResult {
  if (r.exitCode !== 0) {
    const detail = (r.stderr || r.stdout).trim().split("\n").slice(-3).join(" | ");
    throw new Error(`${what} failed (exit ${r.exitCode}): ${detail}`);
  }
  return r;
}

/** `docker <from> | docker <to>`: the bytes stream from one to the other, never to disk
 *  (docker save into a docker load elsewhere). Both exit codes must be 0 to succeed. */
export function dockerPipe(from: string[], to: string[]): Promise<RunResult> {
  const started = performance.now();
  trace("docker", from);
  trace("docker", to);
  const spawnOne = (args: string[], stdin: "ignore" | "pipe") => {
    const c = spawn("docker", args, { stdio: [stdin, "pipe", "pipe"] });
    live.add(c);
    return c;
  };
  const src = spawnOne(from, "ignore");
  const dst = spawnOne(to, "pipe");
  dst.stdin!.on("error", () => undefined); // a reader that exits early: its exit code says why
  src.stdout!.pipe(dst.stdin!);
  const done = (c: ChildProcess) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      let out = "";
      let err = "";
      // the source's stdout is the binary stream itself: only the reader's is text
      if (c !== src) c.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
      c.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
      c.on("error", (e) => (err += String(e)));
      c.on("close", (code, signal) => {
        live.delete(c);
        resolve({ code: code ?? (signal ? 128 + 15 : 1), out, err });
      });
    });
  return Promise.all([done(src), done(dst)]).then(([a, b]) => ({
    argv: ["docker", ...from, "|", "docker", ...to],
    exitCode: a.code || b.code,
    stdout: b.out,
    stderr: `${a.err}${b.err}`,
    durationMs: performance.now() - started,
  }));
}
