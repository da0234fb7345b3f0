import { keyLocation, verdict, type Rule } from "../model.ts";
import { isDockerSocket } from "./compose-no-docker-socket.ts";

const SENSITIVE = ["/", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/sys", "/usr", "/bin", "/sbin", "/root", "/run", "/var/run", "/var/lib/docker"];

export const composeNoSensitiveHostPaths: Rule = {
  id: "compose/no-sensitive-host-paths",
  title: "No sensitive host directories mounted",
  kind: "static",
  severity: "high",
  refs: ["CIS 5.6"],
  remediation: "Mount named volumes or project files instead of host system directories (/, /etc, /proc, /sys, /usr, /boot, /dev, /run).",
  check(s) {
    const loc = keyLocation(s, "volumes");
    const findings = (s.resolved.volumes ?? [])
      .filter((v) => v.type === "bind" && v.source && !isDockerSocket(v.source))
      .filter((v) => SENSITIVE.some((p) => v.source === p || (p !== "/" && v.source!.startsWith(`${p}/`))))
      .map((v) => ({ message: `bind-mounts host ${v.source}`, location: loc, evidence: { property: "volumes", expected: "no host system path", actual: `${v.source}:${v.target}`, location: loc } }));
    return verdict(findings, "no sensitive host path mounted");
  },
};
