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
} satisfies Record<string, CheckMeta>;

export function stackResult(
  meta: CheckMeta,
  service: string | null,
  status: Exclude<CheckResult["status"], "waived">,
  message: string,
  evidence: Evidence[] = [],
): CheckResult {
  return resultOf(meta, service, { status, message, evidence });
}
