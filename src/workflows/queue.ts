// The async job queue under hardening, driven through the API (POST /jobs, GET /jobs/:id)
// with the worker's own bookkeeping (app.job_runs) as the proof of who ran what, when.
import { WorkflowError, within, type WorkflowContext } from "./context.ts";
import { enqueue, job, sqlIds, type Job } from "./jobs.ts";
import { fail, pass, type Workflow } from "./workflow.ts";

/** Wait until every job is in a final state (or the bound passes); returns the last view. */
async function settle(ctx: WorkflowContext, ids: string[], boundMs = ctx.queueBoundMs): Promise<{ jobs: Job[]; ms: number }> {
  const t0 = Date.now();
  let jobs: Job[] = [];
  await within(boundMs, 500, async () => {
    jobs = await Promise.all(ids.map((id) => job(ctx, id)));
    return jobs.every((j) => j.status === "succeeded" || j.status === "failed") ? true : null;
  });
  const ms = Date.now() - t0;
  ctx.note(`${ids.length} job(s) after ${ms} ms: ${summarize(jobs)}`);
  return { jobs, ms };
}

const summarize = (jobs: Job[]) =>
  Object.entries(jobs.reduce<Record<string, number>>((a, j) => ({ ...a, [j.status]: (a[j.status] ?? 0) + 1 }), {}))
    .map(([s, n]) => `${n} ${s}`)
    .join(", ");

async function waitWorkers(ctx: WorkflowContext, n: number): Promise<void> {
  const ok = await within(90_000, 1000, async () => {
    const r = await ctx.compose(["ps", "--status", "running", "--format", "{{.Name}} {{.Health}}", "worker"], { note: `waiting for ${n} healthy worker(s)` });
    const healthy = r.stdout.split("\n").filter((l) => /\bhealthy\b/.test(l) && !/unhealthy/.test(l)).length;
    return healthy >= n ? true : null;
  });
  if (!ok) throw new WorkflowError(`${n} healthy worker container(s) did not appear within 90 s`);
}

const meta = (id: string, title: string, remediation: string, severity: "critical" | "high" | "medium" = "high"): Workflow["meta"] => ({
  id,
  kind: "workflow",
  title,
  severity,
  refs: ["graphile-worker", "SKIP LOCKED"],
  remediation,
});

export const queueCompletes: Workflow = {
  service: "worker",
  meta: meta(
    "workflow/queue-completes",
    "Jobs enqueued through the API complete within a bound",
    "Check the worker's logs and that it reaches postgres:5432 directly (LISTEN needs a session, not pgbouncer's transaction pool).",
    "critical",
  ),
  async run(ctx) {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await enqueue(ctx, { task: "echo", payload: { i } }, i === 0));
    const { jobs, ms } = await settle(ctx, ids);
    const done = jobs.filter((j) => j.status === "succeeded").length;
    return done === ids.length
      ? pass(`${done}/${ids.length} echo jobs succeeded in ${ms} ms (bound ${ctx.queueBoundMs} ms)`)
      : fail(`${done}/${ids.length} echo jobs succeeded within ${ctx.queueBoundMs} ms: ${summarize(jobs)}`);
  },
};

export const queueRetriesThenFails: Workflow = {
  service: "worker",
  meta: meta(
    "workflow/queue-retry-fail",
    "A failing job is retried, then fails with its error recorded",
    "The worker must record each attempt and the last error in app.jobs, and stop at max_attempts.",
  ),
  async run(ctx) {
    const reason = `workflow failure ${Date.now()}`;
    const id = await enqueue(ctx, { task: "fail", payload: { message: reason }, maxAttempts: 2 });
    const { jobs } = await settle(ctx, [id], ctx.queueBoundMs + 30_000); // + two retry back-offs
    const j = jobs[0];
    ctx.note(`job ${id}: ${JSON.stringify(j)}`);
    if (j?.status !== "failed") return fail(`job ${id} is ${j?.status} after ${ctx.queueBoundMs + 30_000} ms, expected failed`);
    if (j.attempts !== 2) return fail(`job ${id} failed after ${j.attempts} attempt(s), expected 2 (maxAttempts)`);
    if (!j.lastError?.includes(reason)) return fail(`job ${id} failed without its error recorded (lastError: ${j.lastError})`);
    const runs = await ctx.psql(`SELECT string_agg(attempt || ':' || coalesce(outcome, '?'), ',' ORDER BY attempt) FROM app.job_runs WHERE job_id = ${sqlIds([id])}`);
    return pass(`failed after 2 attempts (runs ${runs}) with lastError "${j.lastError}"`);
  },
};

export const queueExclusive: Workflow = {
  service: "worker",
  meta: meta(
    "workflow/queue-exclusive",
    "Two workers never run the same job",
    "Jobs must be claimed with SELECT ... FOR UPDATE SKIP LOCKED (graphile-worker does); check app.job_runs for overlapping attempts.",
    "critical",
  ),
  async run(ctx) {
    await ctx.mustCompose(["up", "-d", "--no-deps", "--no-recreate", "--scale", "worker=2", "worker"], { timeoutMs: 180_000 });
    try {
      await waitWorkers(ctx, 2);
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) ids.push(await enqueue(ctx, { task: "sleep", payload: { ms: 150 } }, i === 0));
      const { jobs } = await settle(ctx, ids, 120_000);
      const notDone = jobs.filter((j) => j.status !== "succeeded");
      if (notDone.length) return fail(`${notDone.length} of ${ids.length} jobs did not succeed: ${summarize(jobs)}`);
      const list = sqlIds(ids);
      const [runs, distinctJobs, workers, overlaps] = (
        await ctx.psql(`
          SELECT count(*), count(DISTINCT job_id), count(DISTINCT worker_id),
                 (SELECT count(*) FROM app.job_runs a JOIN app.job_runs b
                    ON a.job_id = b.job_id AND a.id < b.id
                   AND tstzrange(a.started_at, coalesce(a.finished_at, 'infinity')) && tstzrange(b.started_at, coalesce(b.finished_at, 'infinity'))
                   WHERE a.job_id IN (${list}))
          FROM app.job_runs WHERE job_id IN (${list})`)
      ).split("\t");
      if (overlaps !== "0") return fail(`${overlaps} pair(s) of attempts of the same job overlapped in time`);
      if (runs !== distinctJobs) return fail(`${runs} runs for ${distinctJobs} jobs: some job ran more than once`);
      if (Number(workers) < 2) return fail(`only ${workers} worker id(s) in app.job_runs: the second worker took no job, nothing was proven`);
      return pass(`${ids.length} jobs, ${runs} runs, shared by ${workers} workers, no job run twice or concurrently`);
    } finally {
      await ctx.compose(["up", "-d", "--no-deps", "--no-recreate", "--scale", "worker=1", "worker"], { timeoutMs: 180_000 });
    }
  },
};

export const queueDrains: Workflow = {
  service: "worker",
  meta: meta(
    "workflow/queue-sigterm-drain",
    "SIGTERM lets in-flight jobs finish before the worker exits",
    "The worker must stop taking jobs on SIGTERM and wait for running ones (graphile-worker gracefulShutdown), within compose's stop_grace_period.",
  ),
  async run(ctx) {
    const id = await enqueue(ctx, { task: "sleep", payload: { ms: 4000 } });
    const running = await within(30_000, 200, async () => ((await job(ctx, id)).status === "running" ? true : null));
    if (!running) return fail(`job ${id} never started running`);
    try {
      await ctx.mustCompose(["stop", "-t", "30", "worker"], { note: "SIGTERM to the worker while the job runs" });
      const j = await job(ctx, id);
      ctx.note(`job ${id} after the worker stopped: ${JSON.stringify(j)}`);
      if (j.status !== "succeeded") return fail(`job ${id} was ${j.status} after SIGTERM: in-flight work was not drained`);
      // the queue's own record: a completion lost at exit leaves the job locked by the dead
      // worker, to run a second time when the lock expires
      const left = await ctx.psql(`SELECT count(*) FROM graphile_worker._private_jobs WHERE key = ${sqlIds([id])}`);
      if (left !== "0") return fail(`job ${id} finished, but graphile-worker's queue still holds it (locked by the stopped worker): it would run again when the lock expires`);
      return pass(`job ${id} (sleep 4 s) was running at SIGTERM, finished (succeeded) and left graphile-worker's queue before the worker exited`);
    } finally {
      await ctx.compose(["start", "worker"]);
      await waitWorkers(ctx, 1).catch(() => undefined);
    }
  },
};

export const queueSurvivesRestart: Workflow = {
  service: "worker",
  meta: meta(
    "workflow/queue-survives-restart",
    "Jobs enqueued while the worker is down run once it is back",
    "Jobs live in postgres (graphile_worker schema), not in worker memory; the worker must pick them up on start.",
  ),
  async run(ctx) {
    await ctx.mustCompose(["stop", "-t", "30", "worker"]);
    let ids: string[] = [];
    try {
      for (let i = 0; i < 5; i++) ids.push(await enqueue(ctx, { task: "echo", payload: { restart: i } }, i === 0));
      const waiting = await Promise.all(ids.map((id) => job(ctx, id)));
      ctx.note(`with no worker: ${summarize(waiting)}`);
      if (waiting.some((j) => j.status !== "queued")) return fail(`jobs were not simply queued while no worker ran: ${summarize(waiting)}`);
    } finally {
      await ctx.mustCompose(["start", "worker"]);
    }
    const { jobs, ms } = await settle(ctx, ids);
    const done = jobs.filter((j) => j.status === "succeeded").length;
    ids = [];
    return done === jobs.length
      ? pass(`${done} jobs queued while the worker was down all succeeded ${ms} ms after it started`)
      : fail(`${done}/${jobs.length} jobs succeeded after the worker came back: ${summarize(jobs)}`);
  },
};
