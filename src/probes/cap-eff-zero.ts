// No process holds a usable capability: CapEff, CapPrm and CapAmb all zero.
import { capNames, fail, pass, procEvidence, type Probe } from "./probe-kit.ts";

export const capEffZero: Probe = {
  meta: {
    id: "runtime/cap-eff-zero",
    kind: "runtime",
    title: "No process holds capabilities (CapEff, CapPrm, CapAmb zero)",
    severity: "high",
    refs: ["CIS 5.4"],
    remediation: "Use `cap_drop: [ALL]` (the x-security-defaults anchor) and run as a non-root user; do not grant ambient capabilities.",
  },
  needs: ["procs"],
  evaluate(f) {
    const g = f.gathered!;
    const procs = g.procs ?? [];
    const bad = procs.filter((p) => p.caps.eff !== 0n || p.caps.prm !== 0n || (p.caps.amb ?? 0n) !== 0n);
    if (procs.length === 0) return fail("no process of the container was visible");
    if (bad.length)
      return fail(
        bad.map((p) => `pid ${p.pid} (${p.name}) CapEff=${capNames(p.caps.eff ?? 0n).join(",") || "0"} CapPrm=${capNames(p.caps.prm ?? 0n).join(",") || "0"} CapAmb=${capNames(p.caps.amb ?? 0n).join(",") || "0"}`).join("; "),
        bad.map((p) => procEvidence(g, p, ["CapEff", "CapPrm", "CapAmb"], { property: "CapEff/CapPrm/CapAmb", expected: "0000000000000000", actual: capNames(p.caps.eff ?? 0n).join(",") })),
      );
    return pass(`${procs.length} process(es): CapEff, CapPrm, CapAmb all zero`, procs.map((p) => procEvidence(g, p, ["CapEff", "CapPrm", "CapAmb"])));
  },
};
