// The root filesystem is read-only twice over: mountinfo says "ro" and a real write fails
// with EROFS (a non-root user's EACCES on a rw root would prove nothing).
import { fail, gatherEvidence, pass, skip, type Probe } from "./probe-kit.ts";

export const rootfsReadonly: Probe = {
  meta: {
    id: "runtime/rootfs-readonly",
    kind: "runtime",
    title: "Root filesystem is read-only (mountinfo ro and a write fails with EROFS)",
    severity: "high",
    refs: ["CIS 5.13"],
    remediation: "Set `read_only: true` (the anchor) and declare every writable path as a tmpfs or volume.",
  },
  needs: ["mountinfo"],
  evaluate(f) {
    const g = f.gathered!;
    const root = g.mounts!.find((m) => m.mountPoint === "/");
    if (!root) return fail("no / entry in /proc/1/mountinfo", [gatherEvidence(g, g.mounts!.map((m) => m.line))]);
    const mi = gatherEvidence(g, ["/proc/1/mountinfo:", root.line.replace(/ lowerdir=.*$/, " ...")], { property: "/ mount options", expected: "ro", actual: root.options.join(",") });
    if (!root.options.includes("ro")) return fail(`/ is mounted ${root.options[0]} in /proc/1/mountinfo`, [mi]);
    const w = g.rootWrite;
    if (!w) return skip(`mountinfo says / is ro, but the write test could not run: ${g.unavailable.rootwrite ?? "no result"}`, [mi]);
    const we = gatherEvidence(g, [`write / (create .apex-probe-<nonce>): exit ${w.exitCode}`, w.error], { property: "write to /", expected: "EROFS (Read-only file system)", actual: w.exitCode === 0 ? "write succeeded" : w.error });
    if (w.exitCode === 0) return fail("mountinfo says ro but a write to / succeeded", [mi, we]);
    if (!/read-only file system/i.test(w.error)) return fail(`write to / failed, but not with EROFS: ${w.error}`, [mi, we]);
    return pass("/ is ro in mountinfo and a write fails with EROFS", [mi, we]);
  },
};
