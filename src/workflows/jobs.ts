// Jobs through the api, as the workflow checks enqueue and read them (the queue checks and
// the api's isolation check share these).
import { WorkflowError, type WorkflowContext } from "./context.ts";

export interface Job {
  id: string;
  status: string;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Job ids as SQL literals: they come from the api, and are checked to be uuids first. */
export const sqlIds = (ids: string[]) => ids.map((id) => `'${UUID.test(id) ? id : "invalid"}'`).join(",");

/** POST /jobs as the run's own caller; the id the api gave, whatever its shape. */
export async function enqueue(ctx: WorkflowContext, body: Record<string, unknown>, record = true): Promise<string> {
  const r = await ctx.http("POST", "/jobs", { body, record });
  const id = (r.body as { id?: unknown } | null)?.id;
  if (r.status !== 202 || typeof id !== "string") throw new WorkflowError(`POST /jobs answered ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`);
  return id;
}

export async function job(ctx: WorkflowContext, id: string): Promise<Job> {
  const r = await ctx.http("GET", `/jobs/${id}`, { record: false });
  if (r.status !== 200) throw new WorkflowError(`GET /jobs/${id} answered ${r.status}`);
  return r.body as Job;
}
