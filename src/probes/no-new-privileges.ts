// no-new-privileges is in effect for every process (setuid binaries cannot raise privileges).
import { fail, pass, procEvidence, type Probe } from "./probe-kit.ts";

export const noNewPrivileges: Probe = {
  meta: {
    id: "runtime/no-new-privileges",
    kind: "runtime",
    title: "NoNewPrivs is 1 for every process",
    severity: "high",
    refs: ["CIS 5.26"],
    remediation: "Add `security_opt: [\"no-new-privileges:true\"]` (the anchor); a service's own security_opt list replaces the anchor's, so repeat it there.",
  },
  needs: ["procs"],
  evaluate(f) {
    const g = f.gathered!;
    const procs = g.procs ?? [];
    if (procs.length === 0) return fail("no process of the container was visible");
    const bad = procs.filter((p) => p.noNewPrivs !== 1);
    if (bad.length)
      return fail(
        bad.map((p) => `pid ${p.pid} (${p.name}) NoNewPrivs ${p.noNewPrivs ?? "absent"}`).join("; "),
        bad.map((p) => procEvidence(g, p, ["NoNewPrivs"], { property: "NoNewPrivs", expected: "1", actual: String(p.noNewPrivs ?? "absent") })),
      );
    return pass(`NoNewPrivs 1 for ${procs.length} process(es)`, procs.slice(0, 1).map((p) => procEvidence(g, p, ["NoNewPrivs"])));
  },
};
