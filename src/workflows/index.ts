// The workflow checks (the seeds' full_workflow + manage_env): operations exercised on the
// running stack with the posture in place. One explicit list of groups: checks inside a
// group run in order (restore-refuses-existing uses the round trip's backup; the queue
// checks restart and scale the worker; maintenance would wait on the dump's locks), while
// groups touch different parts of the stack and run at the same time.
import type { ComposeTarget } from "../docker.ts";
import { resultOf } from "../result.ts";
import type { ResolvedCompose } from "../sources/compose.ts";
import type { CheckResult } from "../types.ts";
import { API_WORKFLOWS } from "./api.ts";
import { backupRoundtrip, restoreRefusesExisting } from "./backup.ts";
import { WorkflowContext } from "./context.ts";
import { maintenancePartitions } from "./maintenance.ts";
import { manageEnv } from "./env.ts";
import { queueCompletes, queueDrains, queueExclusive, queueRetriesThenFails, queueSurvivesRestart } from "./queue.ts";
import { memcachedRoundtrip, pgbouncerPools, valkeyAcl, valkeyPersistence } from "./services.ts";
import type { Workflow } from "./workflow.ts";

export const WORKFLOW_GROUPS: Workflow[][] = [
  [queueCompletes, queueRetriesThenFails, queueExclusive, queueDrains, queueSurvivesRestart],
  [backupRoundtrip, restoreRefusesExisting, maintenancePartitions],
  [manageEnv, valkeyPersistence, valkeyAcl, memcachedRoundtrip, pgbouncerPools],
  API_WORKFLOWS,
];

export const WORKFLOWS: Workflow[] = WORKFLOW_GROUPS.flat();

export async function runWorkflow(w: Workflow, target: ComposeTarget, repoRoot: string, tune?: (ctx: WorkflowContext) => void): Promise<CheckResult> {
  const ctx = new WorkflowContext(target, repoRoot);
  tune?.(ctx);
  const t0 = performance.now();
  let outcome;
  try {
    outcome = await w.run(ctx);
  } catch (err) {
    // an error while exercising the stack is still this check's failure, with its evidence
    outcome = { status: "fail" as const, message: `error: ${(err instanceof Error ? err.message : String(err)).split("\n")[0]}` };
  }
  return resultOf(w.meta, w.service, { ...outcome, evidence: ctx.evidence, durationMs: Math.round(performance.now() - t0) });
}

export async function runWorkflows(opts: { target: ComposeTarget; repoRoot: string; wanted?: (id: string) => boolean; policy?: CheckResult[]; model?: ResolvedCompose }): Promise<CheckResult[]> {
  const wanted = (w: Workflow) => !opts.wanted || opts.wanted(w.meta.id);
  const groups = await Promise.all(
    WORKFLOW_GROUPS.map(async (group) => {
      const out: CheckResult[] = [];
      for (const w of group.filter(wanted)) out.push(await runWorkflow(w, opts.target, opts.repoRoot, (ctx) => {
        ctx.policy = opts.policy;
        ctx.model = opts.model;
      }));
      return out;
    }),
  );
  return groups.flat();
}
