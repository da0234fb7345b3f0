// Each service sits on internal networks only (no route out), unless it publishes a port:
// then one non-internal network may carry that port. Together with networks chosen per
// service, this is what keeps a compromised service from reaching what it never talks to.
import { keyLocation, verdict, type Rule } from "../model.ts";

export const composeNetworkTiers: Rule = {
  id: "compose/network-tiers",
  title: "Only internal networks, but one edge network for a published port",
  kind: "static",
  severity: "medium",
  refs: ["CIS 5.30", "compose-spec networks (internal)"],
  remediation: "Give the service `networks:` of its own tier, declared `internal: true` at the top level; only a service that publishes a port joins one non-internal (edge) network.",
  check(s, model) {
    const mode = s.resolved.network_mode;
    if (mode === "none" || mode?.startsWith("service:") || mode?.startsWith("container:")) return { status: "pass", message: `network_mode ${mode}: no network of its own` };
    const loc = keyLocation(s, "networks");
    const nets = Object.keys((s.resolved.networks ?? { default: null }) as Record<string, unknown>);
    const external = nets.filter((n) => !model.networks[n]?.internal);
    const allowed = (s.resolved.ports ?? []).length ? 1 : 0;
    return verdict(
      external.length > allowed
        ? [{ message: `on ${external.length > 1 ? "non-internal networks" : "a non-internal network"} ${external.join(", ")}${allowed ? " (one is allowed, for its published port)" : " with no published port: it has a route out"}`, location: loc, evidence: { property: "networks", expected: allowed ? "internal, plus one edge network" : "internal only", actual: JSON.stringify(nets), location: loc } }]
        : [],
      `networks ${nets.join(", ")}${external.length ? ` (edge: ${external.join(", ")})` : ""}`,
    );
  },
};
