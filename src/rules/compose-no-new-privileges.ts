import { keyLocation, verdict, type Rule } from "../model.ts";

const norm = (o: string) => o.replace(/\s+/g, "").replace("=", ":").toLowerCase();

export const composeNoNewPrivileges: Rule = {
  id: "compose/no-new-privileges",
  title: "no-new-privileges is set",
  kind: "static",
  severity: "high",
  refs: ["CIS 5.26"],
  remediation: "Set `security_opt: [no-new-privileges:true]` (through the anchor).",
  check(s) {
    const opts = (s.resolved.security_opt ?? []).map(norm);
    const on = opts.some((o) => o === "no-new-privileges" || o === "no-new-privileges:true");
    const off = opts.some((o) => o === "no-new-privileges:false");
    const loc = keyLocation(s, "security_opt");
    return verdict(
      on && !off ? [] : [{ message: `security_opt ${JSON.stringify(s.resolved.security_opt ?? [])} lacks no-new-privileges:true`, location: loc, evidence: { property: "security_opt", expected: "no-new-privileges:true", actual: JSON.stringify(s.resolved.security_opt ?? []), location: loc } }],
      "no-new-privileges:true",
    );
  },
};
