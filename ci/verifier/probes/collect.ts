// Collect: the only probe code that talks to Docker (through ../docker.ts). Per stack:
// compose config + compose ps + ONE docker inspect; per running container ONE docker exec
// of gather.sh (or, when the image has no shell, one short-lived sidecar sharing its PID
// namespace), all containers in parallel.
import { randomBytes } from "node:crypto";
import { compose, docker, type ComposeTarget, type RunResult } from "../docker.ts";
import { loadResolvedCompose, type ResolvedCompose } from "../sources/compose.ts";
import type { GatheredFacts, InspectFacts, ServiceFacts } from "./facts.ts";
import { declaredFacts, inspectFacts, parsePs, type PsEntry } from "./model.ts";
import { parseGather } from "./parse.ts";
import { gatherArgs, type GatherMode } from "./script.ts";

export const SIDECAR_IMAGE = process.env.APEX_PROBE_IMAGE ?? "debian:trixie-slim";
const TIMEOUT_MS = 60_000;

export interface CollectOptions {
  services?: string[];
  /** Use the PID-namespace sidecar even when the image has a shell (tests of that path). */
  forceSidecar?: boolean;
}

export interface Collected {
  project: string;
  facts: ServiceFacts[];
  notRunning: Array<{ service: string; state: string; exitCode?: number; container?: string }>;
}

// The script is one argv element; evidence shows its name instead of its text.
const shown = (argv: string[]) => argv.map((a) => (a.includes("@@apex:") ? "<gather.sh>" : a));

/** docker exec answered "no shell here" rather than running the script. */
export function noShell(r: RunResult): boolean {
  // docker 20.10 prints the OCI runtime error on stdout, later versions on stderr.
  return (r.exitCode === 126 || r.exitCode === 127) && !r.stdout.includes("@@apex:") && /not found|no such file|executable file/i.test(r.stderr + r.stdout);
}

const lastLine = (r: RunResult) => (r.stderr.trim() || r.stdout.trim()).split("\n").pop() ?? "";

function toGathered(r: RunResult, mode: GatherMode): GatheredFacts {
  return parseGather(r.stdout, { mode, command: shown(r.argv), exitCode: r.exitCode, stderr: r.stderr });
}

export function execArgs(i: InspectFacts, nonce: string): string[] {
  return ["exec", i.id, "sh", ...gatherArgs(nonce, "exec")];
}

/**
 * No shell in the image: read /proc from a throwaway container in the target's PID
 * namespace, as the target's uid (needed to reach /proc/1/root), with nothing granted.
 */
export function sidecarArgs(i: InspectFacts, nonce: string): string[] {
  const [u, g] = i.configUser.split(":");
  const numeric = (x?: string) => (x && /^\d+$/.test(x) ? x : "");
  const uid = numeric(u) || "65534";
  const gid = numeric(g) || uid;
  return [
    "run", "--rm", "--name", `apex-probe-${nonce}`, "--label", "apex.probe=sidecar",
    "--pid", `container:${i.id}`, "--network", "none", "--cap-drop", "ALL",
    "--security-opt", "no-new-privileges", "--read-only", "--user", `${uid}:${gid}`,
    "--entrypoint", "sh", SIDECAR_IMAGE, ...gatherArgs(nonce, "sidecar", numeric(u), numeric(g) || numeric(u)),
  ];
}

export async function gather(i: InspectFacts, forceSidecar = false): Promise<{ gathered?: GatheredFacts; error?: string }> {
  const nonce = randomBytes(6).toString("hex");
  let fallbackWhy = "forced";
  if (!forceSidecar) {
    const r = await docker(execArgs(i, nonce), { timeoutMs: TIMEOUT_MS });
    if (!noShell(r)) {
      if (!r.stdout.includes("@@apex:")) return { error: `docker exec exited ${r.exitCode}: ${lastLine(r)}` };
      return { gathered: toGathered(r, "exec") };
    }
    fallbackWhy = lastLine(r) || "no shell";
  }
  const r = await docker(sidecarArgs(i, nonce), { timeoutMs: TIMEOUT_MS });
  if (!r.stdout.includes("@@apex:")) return { error: `exec impossible (${fallbackWhy}); sidecar exited ${r.exitCode}: ${lastLine(r)}` };
  return { gathered: toGathered(r, "sidecar") };
}

export async function listContainers(target: ComposeTarget): Promise<PsEntry[]> {
  const r = await compose(target, ["ps", "--all", "--format", "json"]);
  if (r.exitCode !== 0) throw new Error(`docker compose ps failed (exit ${r.exitCode}): ${r.stderr.trim().split("\n").pop()}`);
  return parsePs(r.stdout);
}

export async function inspectAll(ids: string[]): Promise<Map<string, InspectFacts>> {
  const out = new Map<string, InspectFacts>();
  if (ids.length === 0) return out;
  const r = await docker(["inspect", ...ids]);
  if (r.exitCode !== 0) throw new Error(`docker inspect failed (exit ${r.exitCode}): ${r.stderr.trim().split("\n").pop()}`);
  for (const j of JSON.parse(r.stdout) as Record<string, unknown>[]) {
    const f = inspectFacts(j);
    out.set(String(j.Id), f);
  }
  return out;
}

export async function collect(target: ComposeTarget, opts: CollectOptions = {}): Promise<Collected> {
  const [model, ps] = await Promise.all([loadResolvedCompose(target), listContainers(target)]);
  return collectFrom(model, ps, opts);
}

export async function collectFrom(model: ResolvedCompose, ps: PsEntry[], opts: CollectOptions = {}): Promise<Collected> {
  const wanted = (s: string) => !opts.services?.length || opts.services.includes(s);
  const running = ps.filter((p) => p.state === "running" && wanted(p.service));
  const inspected = await inspectAll(running.map((p) => p.id));
  const byFullId = (id: string) => [...inspected.entries()].find(([k]) => k.startsWith(id))?.[1];
  const facts = await Promise.all(
    running.map(async (p): Promise<ServiceFacts> => {
      const inspect = byFullId(p.id);
      const base = { service: p.service, container: p.name, declared: declaredFacts(model.services[p.service]) };
      if (!inspect) return { ...base, inspect: inspectFacts({ Id: p.id, Name: p.name }), gatherError: "container vanished before docker inspect" };
      const { gathered, error } = await gather(inspect, opts.forceSidecar);
      return { ...base, inspect, gathered, gatherError: error };
    }),
  );
  const notRunning: Collected["notRunning"] = [];
  for (const s of Object.keys(model.services).filter(wanted)) {
    if (running.some((p) => p.service === s)) continue;
    const c = ps.find((p) => p.service === s);
    notRunning.push({ service: s, state: c?.state ?? "no container", exitCode: c?.exitCode, container: c?.name });
  }
  return { project: model.name, facts, notRunning };
}
