// No mount of the container is in a shared peer group (CIS 5.20): with shared propagation a
// mount made inside the container appears on the host, and the host's in the container.
// Docker itself makes none shared (the root is a slave, "master:N", volumes and binds
// private or slaves); only `propagation: shared|rshared` on a bind does. proc(5) mountinfo:
// the optional fields before " - " carry "shared:N".
import type { MountFact } from "./facts.ts";
import { fail, gatherEvidence, pass, type Probe } from "./probe-kit.ts";

/** The peer group of a mountinfo line's "shared:N" optional field, if any. */
export function sharedPeerGroup(m: MountFact): string | undefined {
  const left = m.line.split(" - ")[0]!.split(" ");
  return left.slice(6).find((o) => /^shared:\d+$/.test(o));
}

export const noSharedPropagation: Probe = {
  meta: {
    id: "runtime/no-shared-propagation",
    kind: "runtime",
    title: "No mount in the container has shared propagation",
    severity: "medium",
    refs: ["CIS 5.20"],
    remediation: "Remove `propagation: shared`/`rshared` from the service's bind mounts (the default, rprivate, is right for a service).",
  },
  needs: ["mountinfo"],
  evaluate(f) {
    const g = f.gathered!;
    const shared = g.mounts!.filter((m) => sharedPeerGroup(m));
    if (shared.length)
      return fail(
        `shared propagation: ${shared.map((m) => `${m.mountPoint} (${sharedPeerGroup(m)})`).join(", ")}`,
        [gatherEvidence(g, shared.map((m) => m.line), { property: "mount propagation", expected: "no shared:N in /proc/1/mountinfo", actual: shared.map((m) => `${m.mountPoint} ${sharedPeerGroup(m)}`).join(", ") })],
      );
    return pass(`no shared mount among ${g.mounts!.length} in /proc/1/mountinfo`, [gatherEvidence(g, ["no shared:N optional field in /proc/1/mountinfo"], { property: "mount propagation", expected: "no shared:N", actual: "none shared" })]);
  },
};
