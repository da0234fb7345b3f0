// PUBLIC (every role) may not create in any schema, nor create or use temp tables in any
// database that accepts connections.
import { factsEvidence, fail, pass, REFS, type DbCheck } from "./kit.ts";

export const publicPrivileges: DbCheck = {
  meta: {
    id: "database/public-privileges",
    kind: "database",
    title: "PUBLIC holds no CREATE on a schema and no CREATE or TEMPORARY on a database",
    severity: "high",
    refs: [REFS.roles, REFS.cve],
    remediation: "REVOKE CREATE ON SCHEMA <s> FROM PUBLIC; REVOKE ALL ON DATABASE <db> FROM PUBLIC, then grant CONNECT to the roles that use it.",
  },
  scope: "cluster",
  evaluate(f) {
    const bad = [
      ...f.schemas.filter((s) => s.publicCreate).map((s) => `CREATE on schema ${s.name}`),
      ...f.databases.flatMap((d) => d.publicPrivileges.filter((p) => p !== "CONNECT").map((p) => `${p} on database ${d.name}`)),
    ];
    if (bad.length) return fail(`PUBLIC has ${bad.join(", ")}`, [factsEvidence(f, "PUBLIC privileges", bad, "none but CONNECT")]);
    return pass(`PUBLIC has no CREATE on ${f.schemas.length} schemas and no CREATE/TEMPORARY on ${f.databases.length} databases`);
  },
};
