// The bounding set is empty, or within the cap_add that a recorded exemption justifies.
// "Allowed" comes from the exemptions file, never from the declaration being verified: a
// compose file cannot justify its own cap_add.
import { capMask, capNames, fail, pass, procEvidence, type Probe } from "./probe-kit.ts";

export const capBndJustified: Probe = {
  meta: {
    id: "runtime/cap-bnd-justified",
    kind: "runtime",
    title: "Bounding capability set is empty or only the justified cap_add",
    severity: "high",
    refs: ["CIS 5.4"],
    remediation: "Drop ALL capabilities and add back only a minimum with `cap_add`, justified by an exemption for compose/cap-add-justified in the exemptions file.",
  },
  needs: ["procs"],
  evaluate(f) {
    const g = f.gathered!;
    const justified = capMask(f.justified?.caps ?? []);
    const procs = g.procs ?? [];
    if (procs.length === 0) return fail("no process of the container was visible");
    const bad = procs.filter((p) => ((p.caps.bnd ?? 0n) & ~justified) !== 0n);
    const just = f.justified?.caps.length ? `${f.justified.caps.join(",")} (${f.justified.source})` : "none";
    if (bad.length)
      return fail(
        bad.map((p) => `pid ${p.pid} (${p.name}) CapBnd has unjustified ${capNames((p.caps.bnd ?? 0n) & ~justified).join(",")}`).join("; ") + ` (justified: ${just}${f.declared.capAdd.length && !f.justified ? `; cap_add ${f.declared.capAdd.join(",")} has no recorded exemption` : ""})`,
        bad.map((p) => procEvidence(g, p, ["CapBnd"], { property: "CapBnd", expected: `⊆ {${just}}`, actual: capNames(p.caps.bnd ?? 0n).join(",") })),
      );
    return pass(`CapBnd of ${procs.length} process(es) within the justified set (${just})`, procs.slice(0, 1).map((p) => procEvidence(g, p, ["CapBnd"])));
  },
};
