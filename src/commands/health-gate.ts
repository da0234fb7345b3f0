// Which of verify's phases after `up` still run when the stack is not healthy. Probes run on
// every running container whatever its health (posture never depends on a healthcheck);
// what needs a working stack is skipped with the reason, never silently left out.
import { DB_CHECKS } from "../database/registry.ts";
import { resultOf } from "../result.ts";
import type { CheckResult } from "../types.ts";
import { WORKFLOWS } from "../workflows/index.ts";

export interface StackHealth {
  ready: boolean;
  /** services that did not become ready; empty with ready false: `docker compose up` failed */
  unready: string[];
}

const why = (h: StackHealth) => `not run: the stack is not healthy (${h.unready.length ? h.unready.join(", ") : "docker compose up failed"}; see stack/healthy)`;

/** The database is judged unless it is itself among the unready (or up failed as a whole). */
export function databaseSkipped(h: StackHealth, dbService: string | undefined): string | undefined {
  if (h.ready) return undefined;
  if (!h.unready.length || (dbService !== undefined && h.unready.includes(dbService))) return why(h);
  return undefined;
}

/** Workflows exercise the stack end to end (login, jobs, backups): one unready service and
 *  they would fail for its sake, so they wait for a healthy stack. */
export function workflowsSkipped(h: StackHealth): string | undefined {
  return h.ready ? undefined : why(h);
}

/** One skip per workflow the run wanted, so every report format shows what was not run. */
export function skippedWorkflows(why: string, wanted: (id: string) => boolean): CheckResult[] {
  return WORKFLOWS.filter((w) => wanted(w.meta.id)).map((w) => resultOf(w.meta, w.service, { status: "skip", message: why }));
}

/** One skip per database check, on the database service (none: there was nothing to judge). */
export function skippedDatabaseChecks(why: string, dbService: string | undefined): CheckResult[] {
  return dbService ? DB_CHECKS.map((c) => resultOf(c.meta, dbService, { status: "skip", message: why })) : [];
}
