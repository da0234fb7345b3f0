// Collect: the only probe code that talks to Docker (through ../docker.ts). Per stack:
// compose config, docker ps + ONE docker inspect; per running container ONE docker exec
// of gather.sh (or, when the image has no shell, one short-lived sidecar sharing its PID
// namespace), all containers in parallel.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { docker, type ComposeTarget, type RunResult } from "../docker.ts";
import { loadResolvedCompose, type ResolvedCompose } from "../sources/compose.ts";
import type { GatheredFacts, InspectFacts, ServiceFacts } from "./facts.ts";
import { declaredFacts, inspectFacts } from "./model.ts";
import { parseGather } from "./parse.ts";
import { ATTEMPT_SCRIPT, ATTEMPT_TIMEOUT_S, parseAttempts, reachPlan, type ReachTarget } from "./reach.ts";
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

function toGathered(r: RunResult, mode: GatherMode, i: InspectFacts): GatheredFacts {
  // processes are told apart by cgroup only where other containers' or the host's are visible
  const ownPidNamespace = i.pidMode === "" || i.pidMode === "private";
  return parseGather(r.stdout, { mode, command: shown(r.argv), exitCode: r.exitCode, stderr: r.stderr, ownPidNamespace });
}

export function execArgs(i: InspectFacts, nonce: string, paths: string[] = []): string[] {
  return ["exec", i.id, "sh", ...gatherArgs(nonce, "exec", "", "", paths)];
}

/**
 * No shell in the image: read /proc from a throwaway container in the target's PID
 * namespace, as the target's uid (needed to reach /proc/1/root), with nothing granted.
 */
export function sidecarArgs(i: InspectFacts, nonce: string, paths: string[] = [], as?: string): string[] {
  const [u, g] = (as ?? i.configUser).split(":");
  const numeric = (x?: string) => (x && /^\d+$/.test(x) ? x : "");
  const uid = numeric(u) || "65534";
  const gid = numeric(g) || uid;
  return [
    "run", "--rm", "--name", `apex-probe-${nonce}`, "--label", "apex.probe=sidecar",
    "--pid", `container:${i.id}`, "--network", "none", "--cap-drop", "ALL",
    "--security-opt", "no-new-privileges", "--read-only", "--user", `${uid}:${gid}`,
    "--entrypoint", "sh", SIDECAR_IMAGE, ...gatherArgs(nonce, "sidecar", numeric(u), numeric(g) || numeric(u), paths),
  ];
}

/**
 * The sidecar joins the target's PID namespace and reaches its files through PID 1: in a
 * shared namespace PID 1 is the host's init (or another container's), so it would judge,
 * and write-test, someone else's filesystem.
 */
export function sidecarRefused(i: InspectFacts): string | undefined {
  if (i.pidMode === "" || i.pidMode === "private") return undefined;
  const whose = i.pidMode === "host" ? "the host's" : `another container's (${i.pidMode})`;
  return `no sidecar: the PID namespace is ${whose}, so its PID 1 and /proc/1/root are not this container's`;
}

export async function gather(i: InspectFacts, paths: string[], forceSidecar = false): Promise<{ gathered?: GatheredFacts; error?: string }> {
  const nonce = randomBytes(6).toString("hex");
  let fallbackWhy = "forced";
  if (!forceSidecar) {
    const r = await docker(execArgs(i, nonce, paths), { timeoutMs: TIMEOUT_MS });
    if (!noShell(r)) {
      if (!r.stdout.includes("@@apex:")) return { error: `docker exec exited ${r.exitCode}: ${lastLine(r)}` };
      return { gathered: toGathered(r, "exec", i) };
    }
    fallbackWhy = lastLine(r) || "no shell";
  }
  const refused = sidecarRefused(i);
  if (refused) return { error: `exec impossible (${fallbackWhy}); ${refused}` };
  let r = await docker(sidecarArgs(i, nonce, paths), { timeoutMs: TIMEOUT_MS });
  if (!r.stdout.includes("@@apex:")) return { error: `exec impossible (${fallbackWhy}); sidecar exited ${r.exitCode}: ${lastLine(r)}` };
  let g = toGathered(r, "sidecar", i);
  // A named USER: the first sidecar guessed the uid wrong and could not enter /proc/1/root.
  // PID 1's status (world-readable) gives the uid; once more as that uid.
  const p1 = g.procs?.find((p) => p.pid === 1);
  if (g.unavailable.stat?.includes("/proc/1/root") && p1 && p1.uid[0] !== 0) {
    r = await docker(sidecarArgs(i, nonce, paths, `${p1.uid[0]}:${p1.gid[0]}`), { timeoutMs: TIMEOUT_MS });
    if (r.stdout.includes("@@apex:")) g = toGathered(r, "sidecar", i);
  }
  return { gathered: g };
}

/** Every container of the project, one `docker ps` and one `docker inspect` (not compose ps). */
export async function inspectProject(project: string): Promise<InspectFacts[]> {
  const ps = await docker(["ps", "-aq", "--no-trunc", "--filter", `label=com.docker.compose.project=${project}`]);
  if (ps.exitCode !== 0) throw new Error(`docker ps failed (exit ${ps.exitCode}): ${lastLine(ps)}`);
  const ids = ps.stdout.split("\n").filter(Boolean);
  if (ids.length === 0) return [];
  const r = await docker(["inspect", ...ids]);
  // A container removed between ps and inspect makes inspect exit 1 but print the others.
  if (!r.stdout.trim().startsWith("[")) throw new Error(`docker inspect failed (exit ${r.exitCode}): ${lastLine(r)}`);
  return (JSON.parse(r.stdout) as Record<string, unknown>[]).map(inspectFacts).filter((i) => i.service && !i.oneoff);
}

export async function collect(
  target: ComposeTarget,
  opts: CollectOptions & { model?: ResolvedCompose | Promise<ResolvedCompose> } = {},
): Promise<Collected> {
  // compose resolves the model while the containers are listed and probed: the gatherer
  // only needs what docker inspect says (mount paths), the evaluation needs the model.
  const modelP = Promise.resolve(opts.model ?? loadResolvedCompose(target));
  modelP.catch(() => undefined);
  const project = target.projectName ?? (await modelP).name;
  const wanted = (s: string) => !opts.services?.length || opts.services.includes(s);
  const containers = await inspectProject(project);
  const running = containers.filter((c) => c.status === "running" && wanted(c.service!));
  const [model, gathered] = await Promise.all([modelP, Promise.all(running.map((i) => gather(i, i.mountPaths, opts.forceSidecar)))]);
  const facts = running.map((inspect, k): ServiceFacts => ({
    service: inspect.service!,
    container: inspect.name,
    declared: declaredFacts(model.services[inspect.service!]),
    inspect,
    gathered: gathered[k].gathered,
    gatherError: gathered[k].error,
  }));
  await tryReach(facts, reachPlan(facts, model, project, egressTargets()), opts.forceSidecar);
  const notRunning: Collected["notRunning"] = [];
  for (const s of Object.keys(model.services).filter(wanted)) {
    if (running.some((c) => c.service === s)) continue;
    const c = containers.find((x) => x.service === s);
    notRunning.push({ service: s, state: c?.status ?? "no container", exitCode: c?.exitCode, container: c?.name });
  }
  return { project, facts, notRunning };
}

/**
 * Where a container on internal networks only must not get: APEX_EGRESS_TARGETS (ip:port,
 * comma-separated), else a public address and, when the engine is this machine, this
 * machine's own default gateway (the first hop out, which answers even where there is no
 * internet, so a route out shows).
 */
export function egressTargets(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.APEX_EGRESS_TARGETS !== undefined) return env.APEX_EGRESS_TARGETS.split(",").map((t) => t.trim()).filter(Boolean);
  const out = ["1.1.1.1:443"];
  const local = !env.DOCKER_HOST || env.DOCKER_HOST.startsWith("unix://");
  const gw = local ? defaultGateway() : null;
  if (gw) out.push(`${gw}:80`);
  return out;
}

function defaultGateway(): string | null {
  try {
    for (const line of readFileSync("/proc/net/route", "utf8").split("\n").slice(1)) {
      const [, dest, gw] = line.trim().split(/\s+/);
      if (dest === "00000000" && gw && gw !== "00000000") return (gw.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)).join(".");
    }
  } catch {
    /* not Linux, or no /proc: no gateway target */
  }
  return null;
}

/** Runs each container's attempts inside it (bash), or from a sidecar in its network namespace. */
async function tryReach(facts: ServiceFacts[], plan: Map<string, ReachTarget[]>, forceSidecar = false): Promise<void> {
  await Promise.all(
    facts.map(async (f) => {
      const targets = plan.get(f.service);
      if (!targets) {
        f.reach = { command: [], attempts: [] };
        return;
      }
      const addrs = targets.map((t) => t.address);
      const timeoutMs = (ATTEMPT_TIMEOUT_S + 20) * 1000;
      let r = forceSidecar ? null : await docker(["exec", f.inspect.id, "bash", "-c", ATTEMPT_SCRIPT, "apex-reach", ...addrs], { timeoutMs });
      if (!r || noShell(r)) {
        // no bash in the image: a throwaway container in its network namespace tries instead
        r = await docker(
          ["run", "--rm", "--label", "apex.probe=sidecar", "--network", `container:${f.inspect.id}`, "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--read-only", "--user", "65534:65534", "--entrypoint", "bash", SIDECAR_IMAGE, "-c", ATTEMPT_SCRIPT, "apex-reach", ...addrs],
          { timeoutMs },
        );
      }
      if (r.exitCode !== 0) {
        f.reachError = `connection attempts could not run (exit ${r.exitCode}): ${lastLine(r)}`;
        return;
      }
      f.reach = { command: r.argv.map((a) => (a === ATTEMPT_SCRIPT ? "<connect attempts>" : a)), attempts: parseAttempts(r.stdout, targets) };
    }),
  );
}
