// PID 1's cgroup is under Docker's default parent (CIS 5.25): /docker/<id> with the cgroupfs
// driver, /system.slice/docker-<id>.scope with systemd's. A `cgroup_parent` puts the
// container under limits (or none) that Docker's accounting does not show. Where a private
// cgroup namespace shows PID 1 only "/" (cgroup v2's default), the parent cannot be seen
// from inside: the probe skips, saying so.
import { fail, gatherEvidence, pass, skip, type Probe } from "./probe-kit.ts";

/** The cgroup paths of /proc/1/cgroup lines ("N:controllers:path"), deduplicated. */
export function cgroupPaths(lines: string[]): string[] {
  return [...new Set(lines.map((l) => l.split(":").slice(2).join(":")).filter(Boolean))];
}

/** Whether `path` is the container's cgroup under Docker's default parent. */
export function underDefaultParent(path: string, id: string): boolean {
  // docker inspect's id may be the short one (12 hex digits): the path holds all 64
  const hex = id.replace(/[^0-9a-f]/gi, "");
  if (!hex) return false;
  return new RegExp(`^/docker/${hex}[0-9a-f]*$`).test(path) || new RegExp(`^/system\\.slice/docker-${hex}[0-9a-f]*\\.scope$`).test(path);
}

export const cgroupDefaultParent: Probe = {
  meta: {
    id: "runtime/cgroup-default-parent",
    kind: "runtime",
    title: "PID 1's cgroup is under Docker's default parent",
    severity: "medium",
    refs: ["CIS 5.25"],
    remediation: "Remove `cgroup_parent` from the service: Docker's default parent keeps the container's limits where Docker applies and reports them.",
  },
  needs: ["cgroup"],
  evaluate(f) {
    const g = f.gathered!;
    const lines = g.cgroupLines ?? [];
    const paths = cgroupPaths(lines);
    const ev = (actual: string) => [gatherEvidence(g, lines, { property: "cgroup of PID 1 (/proc/1/cgroup)", expected: "/docker/<id> or /system.slice/docker-<id>.scope", actual })];
    if (paths.length === 0) return skip("no cgroup line in /proc/1/cgroup", ev("none"));
    if (paths.every((p) => p === "/")) return skip("PID 1's cgroup is / (a private cgroup namespace hides the parent): cannot judge from inside", ev("/"));
    const id = f.inspect.id;
    const bad = paths.filter((p) => p !== "/" && !underDefaultParent(p, id));
    if (bad.length) return fail(`cgroup not under Docker's default parent: ${bad.join(", ")}`, ev(bad.join(", ")));
    return pass(`cgroup ${paths.filter((p) => p !== "/")[0]} under Docker's default parent`, ev(paths.join(", ")));
  },
};
