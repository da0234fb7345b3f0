// Records every attempt in app.job_runs and mirrors the job's state into app.jobs.
// The app job id is graphile-worker's job key (set by the api); a job without a key
// (added by hand) runs without bookkeeping.
import type { Task } from "graphile-worker";
import type { TaskBody } from "./tasks.ts";

export interface Sql {
  query(text: string, params: unknown[]): Promise<unknown>;
}

export interface Attempt {
  appJobId: string;
  attempt: number;
  maxAttempts: number;
  workerId: string;
}

export async function recordStart(sql: Sql, a: Attempt): Promise<void> {
  await sql.query(
    `INSERT INTO app.job_runs (job_id, worker_id, attempt, started_at) VALUES ($1, $2, $3, now())`,
    [a.appJobId, a.workerId, a.attempt],
  );
  await sql.query(
    `UPDATE app.jobs SET status = 'running', attempts = $2, updated_at = now() WHERE id = $1`,
    [a.appJobId, a.attempt],
  );
}

export async function recordSuccess(sql: Sql, a: Attempt, result: unknown): Promise<void> {
  await finishRun(sql, a, "succeeded");
  await sql.query(
    `UPDATE app.jobs SET status = 'succeeded', result = $2, last_error = NULL, updated_at = now() WHERE id = $1`,
    [a.appJobId, JSON.stringify(result ?? null)],
  );
}

/** The last attempt makes the job `failed`; earlier ones put it back to `queued` for the retry. */
export function statusAfterFailure(attempt: number, maxAttempts: number): "failed" | "queued" {
  return attempt >= maxAttempts ? "failed" : "queued";
}

export async function recordFailure(sql: Sql, a: Attempt, error: string): Promise<void> {
  await finishRun(sql, a, "failed");
  await sql.query(
    `UPDATE app.jobs SET status = $2, last_error = $3, updated_at = now() WHERE id = $1`,
    [a.appJobId, statusAfterFailure(a.attempt, a.maxAttempts), error],
  );
}

async function finishRun(sql: Sql, a: Attempt, outcome: "succeeded" | "failed"): Promise<void> {
  await sql.query(
    `UPDATE app.job_runs SET finished_at = now(), outcome = $4
      WHERE job_id = $1 AND attempt = $2 AND worker_id = $3 AND finished_at IS NULL`,
    [a.appJobId, a.attempt, a.workerId, outcome],
  );
}

export function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 2000);
}

/** Wraps a task body into a graphile-worker task that keeps app.jobs and app.job_runs current. */
export function trackedTask(body: TaskBody, sql: Sql, workerId: string, onEvent: (msg: string, f: Record<string, unknown>) => void): Task {
  return async (payload, helpers) => {
    const { job } = helpers;
    if (!job.key) return body(payload).then(() => undefined);
    const a: Attempt = { appJobId: job.key, attempt: job.attempts, maxAttempts: job.max_attempts, workerId };
    await recordStart(sql, a);
    onEvent("job started", { jobId: a.appJobId, task: job.task_identifier, attempt: a.attempt });
    let result: unknown;
    try {
      result = await body(payload);
    } catch (err) {
      const error = errorText(err);
      await recordFailure(sql, a, error);
      onEvent("job attempt failed", { jobId: a.appJobId, task: job.task_identifier, attempt: a.attempt, maxAttempts: a.maxAttempts, error });
      throw err; // graphile-worker schedules the retry (or gives up at max_attempts)
    }
    await recordSuccess(sql, a, result);
    onEvent("job succeeded", { jobId: a.appJobId, task: job.task_identifier, attempt: a.attempt });
  };
}
