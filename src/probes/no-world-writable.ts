// No world-writable file or non-sticky directory on the root filesystem.
import { fail, gatherEvidence, pass, type Probe } from "./probe-kit.ts";

const unreadable = (n: number) => (n ? ` (${n} director${n === 1 ? "y" : "ies"} unreadable by the service user were not inspected)` : "");

export const noWorldWritable: Probe = {
  meta: {
    id: "runtime/no-world-writable",
    kind: "runtime",
    title: "No world-writable files or non-sticky directories in the image",
    severity: "medium",
    refs: ["CIS Distribution Independent Linux 6.1.10", "CIS 4.8"],
    remediation: "Remove the o+w bit in the Dockerfile (`chmod o-w`); shared directories need the sticky bit (1777).",
  },
  needs: ["perms"],
  evaluate(f) {
    const g = f.gathered!;
    const p = g.perms!;
    const ww = p.lines.filter((l) => l.startsWith("W "));
    const ev = [gatherEvidence(g, [`find / -xdev -perm -0002 ! -type l ! (-type d -perm -1000): ${ww.length} match(es)`, ...ww.slice(0, 50), ...p.errors.slice(0, 10)], { property: "world-writable", expected: "none", actual: String(ww.length) })];
    if (ww.length) return fail(`${ww.length} world-writable path(s), e.g. ${ww[0].slice(2)}`, ev);
    return pass(`no world-writable file or non-sticky directory${unreadable(p.errors.length)}`, ev);
  },
};
