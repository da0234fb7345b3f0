// YAML merge keys copy the anchor's keys but never merge lists: a service's own
// cap_drop/security_opt/tmpfs REPLACES the anchor's list. Catch a list that thereby
// silently loses an entry (e.g. an own security_opt without no-new-privileges).
import { verdict, type Rule } from "../model.ts";

export const composeAnchorListReplaced: Rule = {
  id: "compose/anchor-list-replaced",
  title: "A service's own list does not silently drop the anchor's entries",
  kind: "static",
  severity: "high",
  refs: ["CIS 5.4", "CIS 5.26", "compose-spec merge keys"],
  description: "`<<: *anchor` followed by the service's own `security_opt:` replaces the anchor's whole list; entries such as no-new-privileges:true or ALL disappear without any warning from compose.",
  remediation: "Repeat every entry of the anchor's list in the service's own list (YAML merge does not merge lists), or drop the service's list and use the anchor's.",
  check(s) {
    const findings = s.raw.replaced
      .filter((r) => r.missing.length)
      .map((r) => ({
        message: `own ${r.key} replaces the anchor's list and drops ${r.missing.join(", ")}`,
        location: r.location,
        evidence: { property: r.key, expected: `contains ${r.anchorItems.join(", ")}`, actual: JSON.stringify(r.ownItems), location: r.location },
      }));
    const replaced = s.raw.replaced.map((r) => r.key);
    return verdict(findings, replaced.length ? `own ${replaced.join(", ")} keep every anchor entry` : "no anchor list replaced");
  },
};
