// The superuser never logs in over the network: for every superuser, the first pg_hba rule
// that a TCP connection to any database would match rejects it.
import { factsEvidence, fail, pass, REFS, type DbCheck } from "./kit.ts";

export const hbaSuperuserLocal: DbCheck = {
  meta: {
    id: "database/hba-superuser-local",
    kind: "database",
    title: "pg_hba refuses every superuser over the network",
    severity: "critical",
    refs: [REFS.connect],
    remediation: "Put `host all <superuser> all reject` before any host rule that could match it (infra/config/pg_hba.conf); the superuser logs in by peer on the socket.",
  },
  scope: "cluster",
  evaluate(f) {
    const supers = f.roles.filter((r) => r.superuser).map((r) => r.name);
    const hostRules = f.hba.filter((h) => h.type.startsWith("host"));
    const open: string[] = [];
    for (const su of supers) {
      const first = hostRules.find((h) => h.users.includes(su) || h.users.includes("all"));
      if (first && first.method !== "reject") open.push(`${su} (line ${first.line}: ${first.type} ${first.database.join(",")} ${first.users.join(",")} ${first.method})`);
    }
    if (open.length) return fail(`superuser reachable over the network: ${open.join("; ")}`, [factsEvidence(f, "pg_hba_file_rules", hostRules, "first matching host rule: reject")]);
    return pass(`${supers.join(", ")}: the first host rule that matches rejects`);
  },
};
