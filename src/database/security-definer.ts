// A SECURITY DEFINER function runs as its owner: without a pinned search_path, whoever can
// create an object on the caller's path chooses what it calls.
import { factsEvidence, fail, pass, REFS, type DbCheck } from "./kit.ts";

export const securityDefinerSearchPath: DbCheck = {
  meta: {
    id: "database/security-definer-search-path",
    kind: "database",
    title: "Every SECURITY DEFINER function pins its search_path",
    severity: "high",
    refs: [REFS.roles, REFS.cve, "PostgreSQL docs: Writing SECURITY DEFINER Functions Safely"],
    remediation: "ALTER FUNCTION <f> SET search_path = pg_catalog, pg_temp (and schema-qualify what it calls).",
  },
  scope: "cluster",
  evaluate(f) {
    const open = f.securityDefiner.filter((p) => !p.config.some((c) => c.startsWith("search_path=")));
    if (open.length) return fail(`${open.length} SECURITY DEFINER function(s) without search_path: ${open.map((p) => p.fn).join(", ")}`, [factsEvidence(f, "SECURITY DEFINER without search_path", open, "none")]);
    return pass(`${f.securityDefiner.length} SECURITY DEFINER function(s), each with a pinned search_path`);
  },
};
