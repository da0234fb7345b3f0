// Build, start, wait for and tear down one compose project. Waiting is done here rather
// than with `up --wait` because a one-shot service (volume_prep) that exits 0 is success,
// and because failures need evidence: the state, the last health probe and the logs.
import { clip } from "../redact.ts";
import { compose, docker, type ComposeTarget, type RunResult } from "../docker.ts";
import type { Evidence } from "../types.ts";

export interface ServiceState {
  service: string;
  container: string;
  state: string; // running | exited | created | restarting ...
  health: string; // healthy | unhealthy | starting | "" (no healthcheck)
  exitCode: number;
}

/** `docker compose ps --format json` prints an array on some versions, NDJSON on others. */
export function parsePs(stdout: string): ServiceState[] {
  const text = stdout.trim();
  if (!text) return [];
  const rows: Record<string, unknown>[] = text.startsWith("[")
    ? JSON.parse(text)
    : text.split("\n").filter(Boolean).map((l) => JSON.parse(l));
  return rows.map((r) => ({
    service: String(r.Service ?? ""),
    container: String(r.Name ?? r.ID ?? ""),
    state: String(r.State ?? "").toLowerCase(),
    health: String(r.Health ?? "").toLowerCase(),
    exitCode: Number(r.ExitCode ?? 0),
  }));
}

export async function psAll(t: ComposeTarget): Promise<ServiceState[]> {
  const r = await compose(t, ["ps", "-a", "--format", "json"]);
  return r.exitCode === 0 ? parsePs(r.stdout) : [];
}

export type Readiness = "ready" | "waiting" | "failed";

/** Ready: healthy, or running without a healthcheck, or a one-shot that exited 0. */
export function readiness(s: ServiceState | undefined): Readiness {
  if (!s) return "waiting";
  if (s.state === "exited" || s.state === "dead") return s.exitCode === 0 ? "ready" : "failed";
  if (s.health === "unhealthy") return "failed";
  if (s.state === "restarting") return "failed";
  if (s.state !== "running") return "waiting";
  return s.health === "" || s.health === "healthy" ? "ready" : "waiting";
}

export interface WaitOutcome {
  ok: boolean;
  states: Map<string, ServiceState>;
  failed: string[]; // services that failed or never became ready
  elapsedMs: number;
}

export async function waitReady(t: ComposeTarget, services: string[], timeoutMs: number): Promise<WaitOutcome> {
  const started = performance.now();
  let states = new Map<string, ServiceState>();
  // Failed once stays failed: a crash loop between restarts looks like "starting" again.
  const failedOnce = new Set<string>();
  for (;;) {
    states = new Map((await psAll(t)).map((s) => [s.service, s]));
    const verdicts = services.map((svc) => [svc, failedOnce.has(svc) ? "failed" : readiness(states.get(svc))] as const);
    const failed = verdicts.filter(([, v]) => v === "failed").map(([s]) => s);
    for (const s of failed) failedOnce.add(s);
    const waiting = verdicts.filter(([, v]) => v === "waiting").map(([s]) => s);
    const elapsedMs = performance.now() - started;
    // One failed service does not end the wait: the others are probed, so they must settle
    // (a service still starting is neither ready nor failed).
    if (waiting.length === 0) return { ok: failed.length === 0, states, failed, elapsedMs };
    if (elapsedMs > timeoutMs) return { ok: false, states, failed: [...failed, ...waiting], elapsedMs };
    await new Promise((r) => setTimeout(r, 400));
  }
}

/** Why a service is not ready: its state, last health probe output and log tail. */
export async function failureEvidence(t: ComposeTarget, s: ServiceState | undefined, service: string): Promise<Evidence[]> {
  const ev: Evidence[] = [];
  if (!s) return [{ property: "state", expected: "running", actual: "no container" }];
  ev.push({ property: "state", expected: "healthy or exited 0", actual: `${s.state}${s.health ? ` (${s.health})` : ""}, exit ${s.exitCode}` });
  const insp = await docker(["inspect", "--format", "{{json .State.Health}}", s.container]);
  if (insp.exitCode === 0 && insp.stdout.trim() !== "null") {
    try {
      const log = (JSON.parse(insp.stdout).Log ?? []) as { ExitCode: number; Output: string }[];
      const last = log[log.length - 1];
      if (last) ev.push({ property: "last healthcheck", exitCode: last.ExitCode, output: clip(last.Output.trim(), 600) });
    } catch {
      /* no health data */
    }
  }
  const logs = await compose(t, ["logs", "--no-color", "--tail", "25", service]);
  ev.push({ property: "logs", command: logs.argv, output: clip((logs.stdout + logs.stderr).trim(), 2500) });
  return ev;
}

export function build(t: ComposeTarget): Promise<RunResult> {
  return compose(t, ["build", "--quiet"]);
}

/** Starts the project, or only `services` (and what they depend on) when given. */
export function up(t: ComposeTarget, services?: string[]): Promise<RunResult> {
  return compose(t, ["up", "--detach", "--no-build", "--quiet-pull", "--pull", "never", ...(services ?? [])]);
}

/** Removes the project's containers, networks and volumes (images stay: they are shared). */
export function down(t: ComposeTarget): Promise<RunResult> {
  return compose(t, ["down", "--volumes", "--remove-orphans", "--timeout", "5"]);
}

/** What a project left behind: anything labelled with its name. */
export async function leftovers(project: string): Promise<string[]> {
  const label = `label=com.docker.compose.project=${project}`;
  const [c, n, v] = await Promise.all([
    docker(["ps", "-aq", "--filter", label]),
    docker(["network", "ls", "-q", "--filter", label]),
    docker(["volume", "ls", "-q", "--filter", label]),
  ]);
  return [...c.stdout.split("\n"), ...n.stdout.split("\n"), ...v.stdout.split("\n")].filter(Boolean);
}
