import { keyLocation, verdict, type Rule } from "../model.ts";

export const composeCapDropAll: Rule = {
  id: "compose/cap-drop-all",
  title: "All capabilities dropped (cap_drop: [ALL])",
  kind: "static",
  severity: "high",
  refs: ["CIS 5.4"],
  remediation: "Merge the x-security-defaults anchor (cap_drop: [ALL]); add back only a justified minimum with cap_add.",
  check(s) {
    const drop = s.resolved.cap_drop ?? [];
    const ok = drop.some((c) => c.toUpperCase() === "ALL");
    return verdict(
      ok ? [] : [{ message: `cap_drop is ${JSON.stringify(drop)}, not [ALL]`, location: keyLocation(s, "cap_drop"), evidence: { property: "cap_drop", expected: "[ALL]", actual: JSON.stringify(drop), location: keyLocation(s, "cap_drop") } }],
      "cap_drop: [ALL]",
    );
  },
};
