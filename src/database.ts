// Database posture on a running stack: gather the facts once (database/collect.ts), then
// judge them (pure) per service role and for the cluster. Exemptions are the caller's.
import type { ComposeTarget } from "./docker.ts";
import { collectDatabase, databaseTopology } from "./database/collect.ts";
import type { DatabaseFacts } from "./database/facts.ts";
import { DB_CHECKS } from "./database/registry.ts";
import { resultOf } from "./result.ts";
import type { ResolvedCompose } from "./sources/compose.ts";
import type { CheckResult } from "./types.ts";

export function evaluateDatabase(f: DatabaseFacts, dbService: string, roles: Array<{ service: string; role: string }>): CheckResult[] {
  return DB_CHECKS.flatMap((c) =>
    c.scope === "cluster"
      ? [resultOf(c.meta, dbService, c.evaluate(f))]
      : roles.map((who) => resultOf(c.meta, who.service, c.evaluate(f, who))),
  );
}

export async function runDatabaseChecks(target: ComposeTarget, model: ResolvedCompose): Promise<CheckResult[]> {
  const { dbService, database, roles } = databaseTopology(model);
  if (!dbService) return []; // no service here connects to a postgres: nothing to judge
  let facts: DatabaseFacts;
  try {
    facts = await collectDatabase(target, dbService, database, [...new Set(roles.map((r) => r.role))]);
  } catch (err) {
    const why = `cannot gather database facts: ${(err as Error).message}`;
    return DB_CHECKS.map((c) => resultOf(c.meta, dbService, { status: "skip", message: why }));
  }
  return evaluateDatabase(facts, dbService, roles);
}
