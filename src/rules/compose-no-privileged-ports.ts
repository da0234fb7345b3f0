import { keyLocation, verdict, type Rule } from "../model.ts";

export const composeNoPrivilegedPorts: Rule = {
  id: "compose/no-privileged-ports",
  title: "No host port below 1024",
  kind: "static",
  severity: "low",
  refs: ["CIS 5.8"],
  remediation: "Publish on a host port of 1024 or above (or an ephemeral port).",
  check(s) {
    const loc = keyLocation(s, "ports");
    const findings = (s.resolved.ports ?? [])
      // "0" or no published port means an ephemeral host port, chosen above 1024.
      .filter((p) => {
        const first = Number(String(p.published ?? "").split("-")[0]);
        return first > 0 && first < 1024;
      })
      .map((p) => ({ message: `host port ${p.published} is privileged`, location: loc, evidence: { property: "ports", expected: ">= 1024", actual: String(p.published), location: loc } }));
    return verdict(findings, "no privileged host ports");
  },
};
