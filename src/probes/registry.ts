// The one list of runtime probes, and the pure step that turns facts into CheckResults:
// a probe whose prerequisite facts are missing is skipped with the reason, never failed.
import type { CheckMeta, CheckResult } from "../types.ts";
import type { ServiceFacts } from "./facts.ts";
import type { Outcome, Probe } from "./probe-kit.ts";
import { resultOf } from "../result.ts";
import { appOwnership } from "./app-ownership.ts";
import { capBndJustified } from "./cap-bnd-justified.ts";
import { capEffZero } from "./cap-eff-zero.ts";
import { coreDumpsOff } from "./core-dumps-off.ts";
import { healthy } from "./healthy.ts";
import { inspectAgrees } from "./inspect-agrees.ts";
import { memoryLimit } from "./memory-limit.ts";
import { networkIsolation } from "./network-isolation.ts";
import { noDockerSocket } from "./no-docker-socket.ts";
import { noNewPrivileges } from "./no-new-privileges.ts";
import { noSetuid } from "./no-setuid.ts";
import { noWorldWritable } from "./no-world-writable.ts";
import { pidsLimit } from "./pids-limit.ts";
import { processUser } from "./process-user.ts";
import { rootfsReadonly } from "./rootfs-readonly.ts";
import { seccompFilter } from "./seccomp-filter.ts";
import { tmpfsDeclared } from "./tmpfs-declared.ts";
import { writablePaths } from "./writable-paths.ts";
// issue 16 (CIS 5.7, 5.2, 5.20, 5.25)
import { apparmorConfined } from "./apparmor-confined.ts";
import { cgroupDefaultParent } from "./cgroup-default-parent.ts";
import { noSharedPropagation } from "./no-shared-propagation.ts";
import { noSshd } from "./no-sshd.ts";

export const PROBES: Probe[] = [
  processUser,
  capEffZero,
  capBndJustified,
  noNewPrivileges,
  seccompFilter,
  rootfsReadonly,
  tmpfsDeclared,
  writablePaths,
  appOwnership,
  noWorldWritable,
  noSetuid,
  pidsLimit,
  memoryLimit,
  coreDumpsOff,
  noDockerSocket,
  networkIsolation,
  healthy,
  inspectAgrees,
  // issue 16 (CIS 5.7, 5.2, 5.20, 5.25)
  noSshd,
  apparmorConfined,
  noSharedPropagation,
  cgroupDefaultParent,
];

/** Reported once per declared service whose container is not running. */
export const RUNNING_META: CheckMeta = {
  id: "runtime/running",
  kind: "runtime",
  title: "The service's container is running",
  severity: "high",
  refs: ["DESIGN decision 5"],
  remediation: "Bring the stack up (`docker compose up -d --wait`) and read the container's logs for why it stopped.",
};

/** Metadata of every runtime check apex can report (docs, SARIF rule tables). */
export const RUNTIME_CHECKS: CheckMeta[] = [...PROBES.map((p) => p.meta), RUNNING_META];

export function toResult(meta: CheckMeta, service: string | null, o: Outcome, durationMs?: number): CheckResult {
  return resultOf(meta, service, { ...o, durationMs });
}

/** Why a probe cannot judge these facts, or undefined when it can. */
export function missingPrerequisite(p: Probe, f: ServiceFacts): string | undefined {
  if (p.needs.length === 0) return undefined;
  if (!f.gathered) return `no facts gathered from inside the container: ${f.gatherError ?? "unknown reason"}`;
  const why = p.needs.filter((s) => f.gathered!.unavailable[s]).map((s) => `${s}: ${f.gathered!.unavailable[s]}`);
  return why.length ? why.join("; ") : undefined;
}

export function evaluateService(f: ServiceFacts, probes: Probe[] = PROBES): CheckResult[] {
  return probes.map((p) => {
    const t0 = performance.now();
    const missing = missingPrerequisite(p, f);
    let o: Outcome;
    if (missing) o = { status: "skip", message: `cannot run: ${missing}`, evidence: f.gathered ? [{ command: f.gathered.command, exitCode: f.gathered.exitCode, output: f.gathered.stderr.trim() || undefined }] : [] };
    else {
      try {
        o = p.evaluate(f);
      } catch (e) {
        // An evaluator bug is an error, not a failure of the container.
        o = { status: "skip", message: `probe error: ${e instanceof Error ? e.message : String(e)}`, evidence: [] };
      }
    }
    return toResult(p.meta, f.service, o, performance.now() - t0);
  });
}
