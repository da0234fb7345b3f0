// Any cap_add fails here; the only way through is a recorded exemption with a reason
// (infra/exemptions.yaml), so every added capability is justified in data, not code.
import { keyLocation, verdict, type Rule } from "../model.ts";

export const composeCapAddJustified: Rule = {
  id: "compose/cap-add-justified",
  title: "cap_add only with a recorded justification",
  kind: "static",
  severity: "medium",
  refs: ["CIS 5.4"],
  remediation: "Remove the cap_add, or record the syscall that needs it in infra/exemptions.yaml (service, rules: [compose/cap-add-justified], justification, expires).",
  check(s) {
    const add = s.resolved.cap_add ?? [];
    const loc = keyLocation(s, "cap_add");
    return verdict(
      add.length ? [{ message: `adds capabilities ${add.join(", ")}`, location: loc, evidence: { property: "cap_add", expected: "[] or an exemption", actual: JSON.stringify(add), location: loc } }] : [],
      "no cap_add",
    );
  },
};
