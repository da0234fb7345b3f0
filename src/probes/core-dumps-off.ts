// PID 1 may not write a core dump: a core file is the process's memory on disk, the
// secrets it read included. The hard limit counts, since a process may raise its soft
// limit up to the hard one.
import { fail, gatherEvidence, pass, type Probe } from "./probe-kit.ts";

export const coreDumpsOff: Probe = {
  meta: {
    id: "runtime/core-dumps-off",
    kind: "runtime",
    title: "PID 1 cannot write a core dump (core limit 0, hard and soft)",
    severity: "medium",
    refs: ["CIS 5.19", "CWE-528"],
    remediation: "Set `ulimits: { core: 0 }` on the service (the stack's anchor does; a service with its own `ulimits:` must repeat it, YAML merges do not reach into maps).",
  },
  needs: ["limits"],
  evaluate(f) {
    const g = f.gathered!;
    const c = g.coreLimit;
    if (!c) return fail("no core limit line in /proc/1/limits", [gatherEvidence(g, ["no Max core file size line"])]);
    const ev = [gatherEvidence(g, [c.line], { property: "core limit (soft/hard)", expected: "0/0", actual: `${c.soft}/${c.hard}` })];
    if (c.hard !== "0") return fail(`core dumps possible: limit ${c.soft} soft, ${c.hard} hard`, ev);
    return pass("core limit 0 (soft and hard)", ev);
  },
};
