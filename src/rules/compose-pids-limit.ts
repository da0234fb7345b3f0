import { keyLocation, verdict, type Rule } from "../model.ts";

export const composePidsLimit: Rule = {
  id: "compose/pids-limit",
  title: "pids limit set",
  kind: "static",
  severity: "medium",
  refs: ["CIS 5.29"],
  remediation: "Set `pids_limit:` (or deploy.resources.limits.pids) to a bound the service needs, e.g. 100.",
  check(s) {
    const n = s.resolved.pids_limit ?? s.resolved.deploy?.resources?.limits?.pids;
    const loc = keyLocation(s, "pids_limit");
    return verdict(
      n !== undefined && n > 0 ? [] : [{ message: `no pids limit (${n ?? "unset"})`, location: loc, evidence: { property: "pids_limit", expected: "> 0", actual: String(n ?? "unset"), location: loc } }],
      `pids_limit ${n}`,
    );
  },
};
