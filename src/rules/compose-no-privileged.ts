import { keyLocation, verdict, type Rule } from "../model.ts";

export const composeNoPrivileged: Rule = {
  id: "compose/no-privileged",
  title: "Not privileged",
  kind: "static",
  severity: "critical",
  refs: ["CIS 5.5"],
  remediation: "Remove `privileged: true`; add the one capability needed (with an exemption) instead.",
  check(s) {
    const loc = keyLocation(s, "privileged");
    return verdict(
      s.resolved.privileged ? [{ message: "privileged: true", location: loc, evidence: { property: "privileged", expected: "false", actual: "true", location: loc } }] : [],
      "not privileged",
    );
  },
};
