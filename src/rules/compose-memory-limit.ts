import { keyLocation, verdict, type Rule } from "../model.ts";

export const composeMemoryLimit: Rule = {
  id: "compose/memory-limit",
  title: "memory limit set",
  kind: "static",
  severity: "medium",
  refs: ["CIS 5.11"],
  remediation: "Set `mem_limit:` (or deploy.resources.limits.memory), e.g. 256m.",
  check(s) {
    const m = s.resolved.mem_limit ?? s.resolved.deploy?.resources?.limits?.memory;
    const loc = keyLocation(s, "mem_limit");
    return verdict(
      m !== undefined && Number(m) > 0 ? [] : [{ message: "no memory limit", location: loc, evidence: { property: "mem_limit", expected: "> 0", actual: String(m ?? "unset"), location: loc } }],
      `mem_limit ${m} bytes`,
    );
  },
};
