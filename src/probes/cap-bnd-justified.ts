// The bounding set is empty, or exactly what the service's cap_add justifies.
import { capMask, capNames, fail, pass, procEvidence, type Probe } from "./probe-kit.ts";

export const capBndJustified: Probe = {
  meta: {
    id: "runtime/cap-bnd-justified",
    kind: "runtime",
    title: "Bounding capability set is empty or only the justified cap_add",
    severity: "high",
    refs: ["CIS 5.4"],
    remediation: "Drop ALL capabilities and add back only a justified minimum with `cap_add` (recorded in the exemptions file).",
  },
  needs: ["procs"],
  evaluate(f) {
    const g = f.gathered!;
    const justified = capMask(f.declared.capAdd);
    const procs = g.procs ?? [];
    if (procs.length === 0) return fail("no process of the container was visible");
    const bad = procs.filter((p) => ((p.caps.bnd ?? 0n) & ~justified) !== 0n);
    const just = f.declared.capAdd.length ? f.declared.capAdd.join(",") : "none";
    if (bad.length)
      return fail(
        bad.map((p) => `pid ${p.pid} (${p.name}) CapBnd has unjustified ${capNames((p.caps.bnd ?? 0n) & ~justified).join(",")}`).join("; ") + ` (justified by cap_add: ${just})`,
        bad.map((p) => procEvidence(g, p, ["CapBnd"], { property: "CapBnd", expected: `⊆ {${just}}`, actual: capNames(p.caps.bnd ?? 0n).join(",") })),
      );
    return pass(`CapBnd of ${procs.length} process(es) within cap_add (${just})`, procs.slice(0, 1).map((p) => procEvidence(g, p, ["CapBnd"])));
  },
};
