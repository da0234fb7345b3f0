import { keyLocation, verdict, type Rule } from "../model.ts";

export const composeCpuLimit: Rule = {
  id: "compose/cpu-limit",
  title: "CPU limit set",
  kind: "static",
  severity: "low",
  refs: ["CIS 5.12"],
  remediation: "Set `cpus:` (or deploy.resources.limits.cpus), e.g. 1.0.",
  check(s) {
    const c = s.resolved.cpus ?? s.resolved.deploy?.resources?.limits?.cpus;
    const loc = keyLocation(s, "cpus");
    return verdict(
      c !== undefined && Number(c) > 0 ? [] : [{ message: "no CPU limit", location: loc, evidence: { property: "cpus", expected: "> 0", actual: String(c ?? "unset"), location: loc } }],
      `cpus ${c}`,
    );
  },
};
