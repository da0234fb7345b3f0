// Runtime probes of a running compose project: collect facts (Docker) then evaluate them
// (pure). Every result is kind "runtime" and names its compose service. Exemptions are the
// caller's business (applyExemptions in exemptions.ts).
import type { ComposeTarget } from "./docker.ts";
import { isExpired, type Exemption } from "./exemptions.ts";
import type { ServiceFacts } from "./probes/facts.ts";
import type { ResolvedCompose } from "./sources/compose.ts";
import type { CheckResult } from "./types.ts";
import { collect, type Collected } from "./probes/collect.ts";
import { evaluateService, RUNNING_META, toResult } from "./probes/registry.ts";

export interface RunProbesOptions {
  target: ComposeTarget;
  exemptions?: Exemption[];
  model?: ResolvedCompose;
  services?: string[];
  forceSidecar?: boolean;
}

/** Results for services without a running container: a crash is a failure, a finished one-shot or an unstarted service a skip. */
export function notRunningResults(c: Collected): CheckResult[] {
  return c.notRunning.map((n) => {
    const crashed = n.state === "restarting" || n.state === "dead" || (n.state === "exited" && (n.exitCode ?? 0) !== 0);
    const message = crashed
      ? `container ${n.container} is ${n.state}${n.exitCode !== undefined ? ` (exit ${n.exitCode})` : ""}: nothing to probe`
      : n.state === "no container"
        ? "no container for this service in the project (not started, or its profile is not enabled): runtime probes not run"
        : n.state !== "exited"
          ? `container ${n.container} is ${n.state}, not running: runtime probes not run`
          : `container ${n.container} is ${n.state}${n.exitCode !== undefined ? ` (exit ${n.exitCode})` : ""}: a one-shot service; runtime probes apply to running containers`;
    return toResult(RUNNING_META, n.service, {
      status: crashed ? "fail" : "skip",
      message,
      evidence: [{ property: "State", expected: "running", actual: n.state, exitCode: n.exitCode, note: n.container }],
    });
  });
}

/** A service's cap_add is justified only by an active exemption for compose/cap-add-justified. */
export function justifiedCaps(f: ServiceFacts, exemptions: Exemption[], now = new Date()): ServiceFacts["justified"] {
  const e = exemptions.find((x) => x.service === f.service && x.rules.includes("compose/cap-add-justified") && !isExpired(x, now));
  return e && f.declared.capAdd.length ? { caps: f.declared.capAdd, source: `${e.source.file}:${e.source.line}` } : undefined;
}

/** Judge collected facts (pure), with what the exemptions justify. */
export function evaluateCollected(c: Collected, exemptions: Exemption[] = []): CheckResult[] {
  return [...c.facts.flatMap((f) => evaluateService({ ...f, justified: justifiedCaps(f, exemptions) })), ...notRunningResults(c)];
}

export async function runProbes(opts: RunProbesOptions): Promise<CheckResult[]> {
  return evaluateCollected(await collect(opts.target, { services: opts.services, forceSidecar: opts.forceSidecar, model: opts.model }), opts.exemptions);
}
