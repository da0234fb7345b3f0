// The escalation path tried for real, as the service's role: CREATE SCHEMA, ALTER DATABASE
// ... SET, a temp table, an operator in public (CVE-2018-1058) and a function in every
// schema. Each must be refused for lack of privilege; every attempt is rolled back.
import { fail, pass, REFS, type DbCheck } from "./kit.ts";

export const cannotEscalate: DbCheck = {
  meta: {
    id: "database/cannot-escalate",
    kind: "database",
    title: "The service's database role cannot create schemas, functions or operators, nor alter the database",
    severity: "critical",
    refs: [REFS.roles, REFS.cve],
    remediation: "Revoke CREATE on the database and on every schema from the role (and from PUBLIC), and TEMPORARY on the database; objects the app needs are made by an owner role at migration time.",
  },
  scope: "role",
  evaluate(f, who) {
    const mine = f.attempts.filter((a) => a.role === who!.role);
    if (!mine.length) return fail(`no attempt was made as ${who!.role} (role missing?)`);
    const notRefused = mine.filter((a) => a.result !== "refused");
    const evidence = mine.map((a) => ({ property: a.statement, expected: "refused (42501)", actual: a.sqlstate ? `${a.sqlstate} ${a.result}` : a.result, command: f.command }));
    if (notRefused.length)
      return fail(`${who!.role} was not refused: ${notRefused.map((a) => `${a.statement.split(" ").slice(0, 3).join(" ")} → ${a.result}`).join("; ")}`, evidence);
    return pass(`${mine.length} escalation attempts as ${who!.role}, each refused`, evidence);
  },
};
