// A service's role has a connection limit and a statement timeout: one runaway client
// cannot take every connection, nor hold one forever.
import { factsEvidence, fail, pass, REFS, type DbCheck } from "./kit.ts";

export const roleLimits: DbCheck = {
  meta: {
    id: "database/role-limits",
    kind: "database",
    title: "The service's database role has a connection limit and a statement timeout",
    severity: "medium",
    refs: [REFS.connect],
    remediation: "ALTER ROLE <role> CONNECTION LIMIT n; ALTER ROLE <role> SET statement_timeout = '30s' (0 only where long statements are the job, as for a dump).",
  },
  scope: "role",
  evaluate(f, who) {
    const r = f.roles.find((x) => x.name === who!.role);
    if (!r) return fail(`role ${who!.role} does not exist in the cluster`);
    const timeout = r.config.find((c) => c.startsWith("statement_timeout="));
    const problems = [...(r.connlimit < 0 ? ["no connection limit"] : []), ...(timeout ? [] : ["no statement_timeout"])];
    if (problems.length) return fail(`${r.name}: ${problems.join(", ")}`, [factsEvidence(f, `${r.name} limits`, { connlimit: r.connlimit, config: r.config }, "connlimit >= 0, statement_timeout set")]);
    return pass(`${r.name}: connection limit ${r.connlimit}, ${timeout}`);
  },
};
