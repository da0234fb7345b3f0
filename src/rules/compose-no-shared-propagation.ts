// No bind mount with shared propagation (`bind.propagation: shared|rshared`, or `:shared` in
// the short syntax): a mount made inside the container would then appear on the host. slave
// and rslave only carry the host's mounts into the container, never back, so they pass.
import { keyLocation, verdict, type Rule } from "../model.ts";

const SHARED = new Set(["shared", "rshared"]);

export const composeNoSharedPropagation: Rule = {
  id: "compose/no-shared-propagation",
  title: "No bind mount with shared propagation",
  kind: "static",
  severity: "high",
  refs: ["CIS 5.20"],
  remediation: "Drop `propagation: shared`/`rshared` (and `:shared` in the short syntax); the default, rprivate, keeps the container's mounts out of the host.",
  check(s) {
    const loc = keyLocation(s, "volumes");
    const findings = (s.resolved.volumes ?? [])
      .map((v) => ({ v, prop: (v as { bind?: { propagation?: string } }).bind?.propagation }))
      .filter(({ v, prop }) => v.type === "bind" && prop !== undefined && SHARED.has(prop))
      .map(({ v, prop }) => ({ message: `${v.source}:${v.target} propagation ${prop}`, location: loc, evidence: { property: "volumes.bind.propagation", expected: "rprivate (default), private, slave or rslave", actual: `${v.target}: ${prop}`, location: loc } }));
    return verdict(findings, "no shared mount propagation");
  },
};
