// No setuid/setgid files left in the image.
import { fail, gatherEvidence, pass, type Probe } from "./probe-kit.ts";

export const noSetuid: Probe = {
  meta: {
    id: "runtime/no-setuid",
    kind: "runtime",
    title: "No setuid or setgid files in the image",
    severity: "medium",
    refs: ["CIS 4.8"],
    remediation: "Strip the bits in the Dockerfile: `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`.",
  },
  needs: ["perms"],
  evaluate(f) {
    const g = f.gathered!;
    const p = g.perms!;
    const s = p.lines.filter((l) => l.startsWith("S "));
    const ev = [gatherEvidence(g, [`find / -xdev -type f -perm /6000: ${s.length} match(es)`, ...s.slice(0, 50), ...p.errors.slice(0, 10)], { property: "setuid/setgid files", expected: "none", actual: String(s.length) })];
    if (s.length) return fail(`${s.length} setuid/setgid file(s): ${s.map((l) => l.split(" ").pop()).slice(0, 8).join(", ")}${s.length > 8 ? ", ..." : ""}`, ev);
    return pass(`no setuid/setgid file${p.errors.length ? ` (${p.errors.length} unreadable directories not inspected)` : ""}`, ev);
  },
};
