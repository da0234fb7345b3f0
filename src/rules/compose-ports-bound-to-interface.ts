import { keyLocation, verdict, type Rule } from "../model.ts";

export const composePortsBoundToInterface: Rule = {
  id: "compose/ports-bound-to-interface",
  title: "Published ports bound to a specific interface",
  kind: "static",
  severity: "medium",
  refs: ["CIS 5.14"],
  remediation: "Publish on one interface, e.g. `127.0.0.1:${APEX_API_PORT:-0}:8080`, never on 0.0.0.0.",
  check(s) {
    const loc = keyLocation(s, "ports");
    const findings = (s.resolved.ports ?? [])
      .filter((p) => !p.host_ip || p.host_ip === "0.0.0.0" || p.host_ip === "::")
      .map((p) => ({ message: `port ${p.target} published on all interfaces`, location: loc, evidence: { property: "ports", expected: "host_ip set (e.g. 127.0.0.1)", actual: `${p.host_ip ?? "0.0.0.0"}:${p.published ?? ""}:${p.target}`, location: loc } }));
    return verdict(findings, s.resolved.ports?.length ? "every published port bound to one interface" : "no published ports");
  },
};
