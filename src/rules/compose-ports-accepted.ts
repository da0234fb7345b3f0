// Only the ports that must be reached from outside are published (CIS 5.9). Which ones those
// are is a decision, not a fact compose records: every published port is a finding until an
// exemption for this check, on that service, says why it is published (infra/exemptions.yaml
// accepts the api's 8080). Services reach each other over compose networks without `ports:`,
// and `expose:` publishes nothing. The message names each port, so a waiver shows which it took.
import { keyLocation, verdict, type Rule } from "../model.ts";

export const composePortsAccepted: Rule = {
  id: "compose/ports-accepted",
  title: "Only needed ports published (each accepted in the exemptions file)",
  kind: "static",
  severity: "medium",
  refs: ["CIS 5.9"],
  remediation: "Remove `ports:` a service does not need reachable from the host (other services reach it over a compose network); record each port that must stay as an exemption for `compose/ports-accepted` on that service, naming the port and why.",
  check(s) {
    const loc = keyLocation(s, "ports");
    const shown = (s.resolved.ports ?? []).map((p) => `${p.host_ip ?? "0.0.0.0"}:${!p.published || p.published === "0" ? "ephemeral" : p.published}->${p.target}/${p.protocol ?? "tcp"}`);
    return verdict(
      shown.length ? [{ message: `publishes ${shown.join(", ")}`, location: loc, evidence: { property: "ports", expected: "no published port unless accepted by an exemption", actual: JSON.stringify(shown), location: loc } }] : [],
      "no published ports",
    );
  },
};
