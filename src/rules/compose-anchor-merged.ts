// Every service merges the x-security-defaults anchor; one that does not is outside the
// posture (volume_prep is, by design, and says so in infra/exemptions.yaml).
import { fail, pass, type Rule } from "../model.ts";

export const composeAnchorMerged: Rule = {
  id: "compose/anchor-merged",
  title: "Service merges the x-security-defaults anchor",
  kind: "static",
  severity: "high",
  refs: ["CIS 5.4", "CIS 5.26", "CIS 5.13"],
  description: "The anchor carries cap_drop ALL, no-new-privileges and read_only for every long-running service. A service that does not merge it gets Docker's defaults.",
  remediation: "Add `<<: *security-defaults` (the x-security-defaults anchor) to the service, or record why it cannot in infra/exemptions.yaml.",
  check(s, model) {
    if (!model.anchor)
      return fail([{ message: "compose defines no x-security-defaults anchor", location: s.raw.location, evidence: { property: "x-security-defaults", expected: "defined and merged", actual: "absent" } }]);
    if (s.raw.mergesAnchor) return pass(`merges ${model.anchor.name}`);
    return fail([{ message: `does not merge the ${model.anchor.name} anchor`, location: s.raw.location, evidence: { property: "<<", expected: `*${model.anchor.name}`, actual: "no merge key", location: s.raw.location } }]);
  },
};
