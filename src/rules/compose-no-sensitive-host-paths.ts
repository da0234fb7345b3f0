import { keyLocation, verdict, type Rule } from "../model.ts";
import { isDockerSocket } from "./compose-no-docker-socket.ts";

const SENSITIVE = ["/", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/sys", "/usr", "/bin", "/sbin", "/root", "/run", "/var/run", "/var/lib/docker"];

export const composeNoSensitiveHostPaths: Rule = {
  id: "compose/no-sensitive-host-paths",
  title: "No sensitive host directories mounted",
  kind: "static",
  severity: "high",
  refs: ["CIS 5.6"],
  remediation: "Mount named volumes or project files instead of host system directories (/, /etc, /proc, /sys, /usr, /boot, /dev, /run), also through a symlink.",
  check(s) {
    const loc = keyLocation(s, "volumes");
    // judged by the real path: a symlink in the project (./data -> /) is the directory it names
    const sensitive = (p: string) => SENSITIVE.some((x) => p === x || (x !== "/" && p.startsWith(`${x}/`)));
    const findings = s.host.binds
      .filter((b) => !isDockerSocket(b.real) && (sensitive(b.path) || sensitive(b.real)))
      .map((b) => {
        const shown = b.real === b.path ? b.path : `${b.path} (-> ${b.real})`;
        return { message: `bind-mounts host ${shown}`, location: loc, evidence: { property: "volumes", expected: "no host system path", actual: `${shown}:${b.target}`, location: loc } };
      });
    return verdict(findings, "no sensitive host path mounted");
  },
};
