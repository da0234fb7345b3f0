import { keyLocation, verdict, type Finding, type Rule } from "../model.ts";

const KEYS = { network_mode: "CIS 5.10", pid: "CIS 5.16", ipc: "CIS 5.17", uts: "CIS 5.21" } as const;

export const composeNoHostNamespaces: Rule = {
  id: "compose/no-host-namespaces",
  title: "No host network, pid, ipc or uts namespace",
  kind: "static",
  severity: "critical",
  refs: Object.values(KEYS),
  remediation: "Remove `network_mode: host`, `pid: host`, `ipc: host` and `uts: host`; use compose networks and published ports.",
  check(s) {
    const findings: Finding[] = [];
    for (const key of Object.keys(KEYS)) {
      const v = s.resolved[key];
      if (v === "host") {
        const loc = keyLocation(s, key);
        findings.push({ message: `${key}: host`, location: loc, evidence: { property: key, expected: "private namespace", actual: "host", location: loc } });
      }
    }
    return verdict(findings, "own network, pid, ipc and uts namespaces");
  },
};
