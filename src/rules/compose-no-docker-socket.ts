import { keyLocation, verdict, type Rule } from "../model.ts";

export const isDockerSocket = (p?: string) => !!p && /(^|\/)docker\.sock$/.test(p);

export const composeNoDockerSocket: Rule = {
  id: "compose/no-docker-socket",
  title: "Docker socket not mounted",
  kind: "static",
  severity: "critical",
  refs: ["CIS 5.32"],
  remediation: "Remove the docker.sock mount: it hands the container root on the host.",
  check(s) {
    const loc = keyLocation(s, "volumes");
    const viaSymlink = new Set(s.host.binds.filter((b) => isDockerSocket(b.real)).map((b) => b.path));
    const findings = (s.resolved.volumes ?? [])
      .filter((v) => isDockerSocket(v.source) || isDockerSocket(v.target) || (v.source && viaSymlink.has(v.source)))
      .map((v) => ({ message: `mounts ${v.source} at ${v.target}`, location: loc, evidence: { property: "volumes", expected: "no docker.sock", actual: `${v.source}:${v.target}`, location: loc } }));
    return verdict(findings, "no docker.sock mount");
  },
};
