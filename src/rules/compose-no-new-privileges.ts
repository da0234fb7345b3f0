import { keyLocation, verdict, type Rule } from "../model.ts";

const norm = (o: string) => o.replace(/\s+/g, "").replace("=", ":").toLowerCase();

/** Whether security_opt turns no-new-privileges on (`no-new-privileges`, `:true`, `=true`),
 *  and nothing turns it off again. The one definition: the matrix and manage env use it. */
export function noNewPrivilegesOn(securityOpt: string[] = []): boolean {
  const opts = securityOpt.map(norm);
  return opts.some((o) => o === "no-new-privileges" || o === "no-new-privileges:true") && !opts.includes("no-new-privileges:false");
}

export const composeNoNewPrivileges: Rule = {
  id: "compose/no-new-privileges",
  title: "no-new-privileges is set",
  kind: "static",
  severity: "high",
  refs: ["CIS 5.26"],
  remediation: "Set `security_opt: [no-new-privileges:true]` (through the anchor).",
  check(s) {
    const loc = keyLocation(s, "security_opt");
    return verdict(
      noNewPrivilegesOn(s.resolved.security_opt) ? [] : [{ message: `security_opt ${JSON.stringify(s.resolved.security_opt ?? [])} lacks no-new-privileges:true`, location: loc, evidence: { property: "security_opt", expected: "no-new-privileges:true", actual: JSON.stringify(s.resolved.security_opt ?? []), location: loc } }],
      "no-new-privileges:true",
    );
  },
};
