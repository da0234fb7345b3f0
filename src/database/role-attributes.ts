// No service logs in as a role with SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS.
import { factsEvidence, fail, pass, REFS, type DbCheck } from "./kit.ts";

const ATTRS = ["superuser", "createrole", "createdb", "replication", "bypassrls"] as const;

export const roleAttributes: DbCheck = {
  meta: {
    id: "database/role-attributes",
    kind: "database",
    title: "The service's database role has no SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS",
    severity: "critical",
    refs: [REFS.roles],
    remediation: "ALTER ROLE ... NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS; a role that truly needs one (a backup role and BYPASSRLS) records why in the exemptions file.",
  },
  scope: "role",
  evaluate(f, who) {
    const r = f.roles.find((x) => x.name === who!.role);
    if (!r) return fail(`role ${who!.role} does not exist in the cluster`, [factsEvidence(f, "role", "missing", who!.role)]);
    const held = ATTRS.filter((a) => r[a]).map((a) => a.toUpperCase());
    if (held.length) return fail(`${r.name} has ${held.join(", ")}`, [factsEvidence(f, `${r.name} attributes`, held, "none of " + ATTRS.join(", "))]);
    return pass(`${r.name}: no elevated attribute`);
  },
};
