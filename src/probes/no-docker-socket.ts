// The Docker socket is not reachable from inside the container.
import { fail, gatherEvidence, pass, type Probe } from "./probe-kit.ts";

export const noDockerSocket: Probe = {
  meta: {
    id: "runtime/no-docker-socket",
    // renamed to match compose/no-docker-socket; the old id still matches (exemptions, --skip)
    aliases: ["runtime/no-docker-sock"],
    kind: "runtime",
    title: "No docker.sock inside the container",
    severity: "critical",
    refs: ["CIS 5.32"],
    remediation: "Remove the docker.sock volume; whoever can reach it is root on the host.",
  },
  needs: ["sock", "mountinfo"],
  evaluate(f) {
    const g = f.gathered!;
    const found = [
      ...g.sockets!.map((s) => `exists: ${s}`),
      ...g.mounts!.filter((m) => /docker\.sock/.test(m.mountPoint)).map((m) => `mounted: ${m.line}`),
      ...(g.perms?.lines ?? []).filter((l) => l.startsWith("K ")).map((l) => `socket: ${l.slice(2)}`),
    ];
    const ev = [gatherEvidence(g, found.length ? found : ["test -e /var/run/docker.sock /run/docker.sock: absent; no docker.sock in /proc/1/mountinfo"], { property: "docker.sock", expected: "absent", actual: found.length ? "present" : "absent" })];
    return found.length ? fail(`docker.sock reachable: ${found[0]}`, ev) : pass("no docker.sock in the container", ev);
  },
};
