// Checks that verify itself makes about the stack as a whole: it builds, it comes up
// healthy, and services it could not run are reported, never silently left out.
import { resultOf } from "../result.ts";
import type { CheckMeta, CheckResult, Evidence } from "../types.ts";

export const STACK_CHECKS = {
  build: {
    id: "stack/build",
    kind: "workflow",
    title: "Every service image builds from its Dockerfile",
    severity: "high",
    refs: ["DESIGN decision 1"],
    remediation: "Fix the Dockerfile named in the evidence; `docker compose build <service>` reproduces it.",
  },
  healthy: {
    id: "stack/healthy",
    kind: "workflow",
    title: "Every started service reaches healthy (or completes) under the posture",
    severity: "high",
    refs: ["CIS 5.27", "DESIGN decision 6"],
    remediation: "Read the service's logs in the evidence: hardening that breaks a service is a failure to fix, not to waive.",
  },
  hostGuard: {
    id: "stack/host-guard",
    kind: "workflow",
    title: "Nothing is built or started while a host-guarding check fails",
    severity: "critical",
    refs: ["CIS 5.5", "CIS 5.6", "CIS 5.31", "CIS 5.32"],
    remediation: "Fix (or justify in the exemptions file) the failing host-guarding checks named in the evidence; verify applies nothing to the host until they pass.",
  },
  notRun: {
    id: "stack/service-not-run",
    kind: "workflow",
    title: "Service could not be run here",
    severity: "low",
    refs: ["DESIGN decision 1"],
    remediation: "Enable its profile (--profile) on a host that can pull its image, or accept that it is reported as skipped.",
  },
  // issue 16 (CIS 5.1)
  notSwarm: {
    id: "stack/host-not-swarm",
    kind: "workflow",
    title: "The Docker Engine is not in swarm mode",
    severity: "medium",
    refs: ["CIS 5.1"],
    remediation: "Leave swarm mode on this engine (`docker swarm leave`) unless it is meant to be a swarm node; a node in swarm mode opens its management ports.",
  },
} satisfies Record<string, CheckMeta>;

/** CIS 5.1: judges `docker info`'s Swarm.LocalNodeState ("inactive", "active", "pending",
 *  "error", "locked"): any state but inactive means the engine takes part in a swarm. */
export function judgeSwarm(state: string, evidence: Evidence): CheckResult {
  const s = state.trim();
  if (s === "inactive") return stackResult(STACK_CHECKS.notSwarm, null, "pass", "swarm mode inactive", [evidence]);
  if (s === "") return stackResult(STACK_CHECKS.notSwarm, null, "skip", "docker info did not say the swarm state", [evidence]);
  return stackResult(STACK_CHECKS.notSwarm, null, "fail", `the engine is in swarm mode (Swarm.LocalNodeState ${s})`, [evidence]);
}

export function stackResult(
  meta: CheckMeta,
  service: string | null,
  status: Exclude<CheckResult["status"], "waived">,
  message: string,
  evidence: Evidence[] = [],
): CheckResult {
  return resultOf(meta, service, { status, message, evidence });
}
