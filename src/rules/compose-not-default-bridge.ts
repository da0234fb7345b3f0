// Not on Docker's default bridge (docker0), where every container started without a network
// can reach every other. Compose gives a service without `networks:` the project's own
// `default` network, which is not docker0; only `network_mode: bridge`, or a network declared
// `external` with the name `bridge`, is.
import { keyLocation, verdict, type Finding, type Rule } from "../model.ts";

export const composeNotDefaultBridge: Rule = {
  id: "compose/not-default-bridge",
  title: "Not on Docker's default bridge",
  kind: "static",
  severity: "medium",
  refs: ["CIS 5.30"],
  remediation: "Remove `network_mode: bridge` (and any external network named `bridge`); use compose networks, one per tier.",
  check(s, model) {
    const findings: Finding[] = [];
    if (s.resolved.network_mode === "bridge") {
      const loc = keyLocation(s, "network_mode");
      findings.push({ message: "network_mode: bridge (docker0)", location: loc, evidence: { property: "network_mode", expected: "compose networks", actual: "bridge", location: loc } });
    }
    const nets = Object.keys((s.resolved.networks ?? {}) as Record<string, unknown>);
    for (const n of nets) {
      const def = model.networks[n] as { name?: string; external?: boolean } | undefined;
      if (def?.external && def.name === "bridge") {
        const loc = keyLocation(s, "networks");
        findings.push({ message: `network ${n} is Docker's default bridge (external, name bridge)`, location: loc, evidence: { property: "networks", expected: "compose networks", actual: `${n}: external bridge`, location: loc } });
      }
    }
    return verdict(findings, "not on Docker's default bridge");
  },
};
