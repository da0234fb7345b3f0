// A role a service logs in as owns no database and no schema: an owner may CREATE SCHEMA,
// ALTER DATABASE ... SET and plant objects where the superuser looks.
import { factsEvidence, fail, pass, REFS, type DbCheck } from "./kit.ts";

export const roleOwnsNothing: DbCheck = {
  meta: {
    id: "database/role-owns-nothing",
    kind: "database",
    title: "The service's database role owns no database and no schema",
    severity: "critical",
    refs: [REFS.roles, REFS.cve],
    remediation: "Give databases and schemas to the superuser or a NOLOGIN owner role; grant the service USAGE and data privileges only (infra/initdb).",
  },
  scope: "role",
  evaluate(f, who) {
    const dbs = f.databases.filter((d) => d.owner === who!.role).map((d) => `database ${d.name}`);
    const schemas = f.schemas.filter((s) => s.owner === who!.role).map((s) => `schema ${s.name}`);
    const owned = [...dbs, ...schemas];
    if (owned.length) return fail(`${who!.role} owns ${owned.join(", ")}`, [factsEvidence(f, `owner = ${who!.role}`, owned, "nothing")]);
    return pass(`${who!.role} owns no database and no schema`);
  },
};
