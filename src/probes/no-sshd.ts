// No SSH server runs in the container (CIS 5.7): `docker exec` is the way in, and an sshd
// is one more daemon with its own keys and accounts. Judged on the process names of the
// gathered process list (/proc/<pid>/status Name, the kernel's comm).
import { fail, pass, procEvidence, gatherEvidence, type Probe } from "./probe-kit.ts";

/** sshd and its per-session children (OpenSSH 9.8+: sshd-session, sshd-auth), dropbear. */
export const SSH_SERVER = /^(sshd(-session|-auth)?|dropbear)$/;

export const noSshd: Probe = {
  meta: {
    id: "runtime/no-sshd",
    kind: "runtime",
    title: "No SSH server runs in the container",
    severity: "high",
    refs: ["CIS 5.7"],
    remediation: "Do not run sshd in the container: remove it from the image and the command, and use `docker exec` to reach the container.",
  },
  needs: ["procs"],
  evaluate(f) {
    const g = f.gathered!;
    const found = g.procs!.filter((p) => SSH_SERVER.test(p.name));
    if (found.length)
      return fail(
        `SSH server running: ${found.map((p) => `pid ${p.pid} (${p.name})`).join(", ")}`,
        found.map((p) => procEvidence(g, p, ["Name", "PPid", "Uid"], { property: "process name", expected: "no sshd/dropbear", actual: p.name })),
      );
    const names = [...new Set(g.procs!.map((p) => p.name))].sort();
    return pass(`no SSH server among ${g.procs!.length} process(es)`, [gatherEvidence(g, names.map((n) => `Name: ${n}`), { property: "process names", expected: "no sshd/dropbear", actual: names.join(", ") })]);
  },
};
