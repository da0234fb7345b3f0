// A seccomp filter is applied to every process (mode 2), i.e. not `seccomp=unconfined`.
import { fail, pass, procEvidence, type Probe } from "./probe-kit.ts";

export const seccompFilter: Probe = {
  meta: {
    id: "runtime/seccomp-filter",
    kind: "runtime",
    title: "Seccomp is in filter mode (2) for every process",
    severity: "high",
    refs: ["CIS 5.22"],
    remediation: "Remove `seccomp=unconfined` / `seccomp:unconfined` from security_opt; keep Docker's default profile or a stricter one.",
  },
  needs: ["procs"],
  evaluate(f) {
    const g = f.gathered!;
    const procs = g.procs ?? [];
    if (procs.length === 0) return fail("no process of the container was visible");
    const bad = procs.filter((p) => p.seccomp !== 2);
    if (bad.length)
      return fail(
        bad.map((p) => `pid ${p.pid} (${p.name}) Seccomp ${p.seccomp ?? "absent"}`).join("; "),
        bad.map((p) => procEvidence(g, p, ["Seccomp"], { property: "Seccomp", expected: "2", actual: String(p.seccomp ?? "absent") })),
      );
    return pass(`Seccomp 2 for ${procs.length} process(es)`, procs.slice(0, 1).map((p) => procEvidence(g, p, ["Seccomp"])));
  },
};
