// A service that publishes no port has no route out: its network namespace holds no
// default route (what `internal: true` networks give), read from the kernel's routing table.
import { fail, gatherEvidence, pass, type Probe } from "./probe-kit.ts";

export const noEgressRoute: Probe = {
  meta: {
    id: "runtime/no-egress-route",
    kind: "runtime",
    title: "No default route out of a service that publishes no port",
    severity: "medium",
    refs: ["CIS 5.30", "compose-spec networks (internal)"],
    remediation: "Attach the service only to networks declared `internal: true`; only an edge service with a published port joins a non-internal network.",
  },
  needs: ["route"],
  evaluate(f) {
    const g = f.gathered!;
    const routes = g.routes ?? [];
    const defaults = routes.filter((r) => r.destination === "00000000");
    const table = [`/proc/1/net/route: ${routes.length} route(s)`, ...routes.map((r) => `${r.iface} dst ${r.destination} gw ${r.gateway} flags ${r.flags}`)];
    if (f.declared.publishesPorts)
      return pass(`edge service (publishes a port): ${defaults.length ? `default route via ${defaults.map((d) => d.iface).join(", ")}` : "no default route"}`, [gatherEvidence(g, table)]);
    if (defaults.length)
      return fail(`default route via ${defaults.map((d) => d.iface).join(", ")}: the service can reach beyond its networks`, [gatherEvidence(g, table, { property: "default route", expected: "none", actual: defaults.map((d) => d.iface).join(",") })]);
    return pass(`no default route (${routes.length} route(s), all on-link)`, [gatherEvidence(g, table)]);
  },
};
