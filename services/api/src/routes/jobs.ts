// POST /jobs enqueues, GET /jobs/:id reads status. The app.jobs row and the
// graphile-worker job are created in one transaction, with job key = app job id, so a job
// exists in both places or in neither.
//
// Job ids are random uuids, and a job belongs to the caller that created it: another
// caller's id answers 404, the same as an id that names nothing. A caller may have
// `maxOpenJobs` jobs queued or running; sleeps longer than SLOW_SLEEP_MS share one named
// queue, so they run one at a time and cannot take every worker slot.
import type { FastifyInstance } from "fastify";
import type pg from "pg";

export const TASKS = ["echo", "fail", "sleep"] as const;
export const MAX_SLEEP_MS = 120_000;
export const DEFAULT_MAX_ATTEMPTS = 3;

export const enqueueSchema = {
  type: "object",
  required: ["task"],
  additionalProperties: false,
  properties: {
    task: { type: "string", enum: TASKS },
    payload: {},
    maxAttempts: { type: "integer", minimum: 1, maximum: 10 },
  },
  // sleep needs {ms}: the drain tests rely on it being a bounded integer
  if: { required: ["task"], properties: { task: { const: "sleep" } } },
  then: {
    required: ["payload"],
    properties: {
      payload: {
        type: "object",
        required: ["ms"],
        properties: { ms: { type: "integer", minimum: 0, maximum: MAX_SLEEP_MS } },
      },
    },
  },
} as const;

export const JOB_ID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
/** graphile-worker runs the jobs of one named queue one at a time. */
export const SLOW_QUEUE = "apex-slow";
export const SLOW_SLEEP_MS = 1000;

export function queueFor(body: EnqueueBody): string | null {
  const ms = (body.payload as { ms?: number } | undefined)?.ms ?? 0;
  return body.task === "sleep" && ms > SLOW_SLEEP_MS ? SLOW_QUEUE : null;
}

interface EnqueueBody {
  task: (typeof TASKS)[number];
  payload?: unknown;
  maxAttempts?: number;
}

export interface JobView {
  id: string;
  task: string;
  status: string;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  result: unknown;
}

export function registerJobRoutes(app: FastifyInstance, db: pg.Pool, maxOpenJobs: number): void {
  app.post<{ Body: EnqueueBody }>("/jobs", { schema: { body: enqueueSchema } }, async (req, reply) => {
    const { task } = req.body;
    const payload = JSON.stringify(req.body.payload ?? null);
    const maxAttempts = req.body.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const client = await db.connect();
    try {
      await client.query("BEGIN");
      // One enqueue per caller at a time, so the count below cannot be raced past the quota.
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended('apex.jobs:' || $1, 0))", [req.caller]);
      const open = await client.query<{ n: string }>(
        "SELECT count(*) AS n FROM app.jobs WHERE caller = $1 AND status IN ('queued', 'running')",
        [req.caller],
      );
      if (Number(open.rows[0]!.n) >= maxOpenJobs) {
        await client.query("ROLLBACK");
        return reply.code(429).send({ error: `too many open jobs (at most ${maxOpenJobs} queued or running per caller)` });
      }
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO app.jobs (caller, task, payload, status, attempts, max_attempts)
         VALUES ($1, $2, $3, 'queued', 0, $4) RETURNING id::text AS id`,
        [req.caller, task, payload, maxAttempts],
      );
      const id = rows[0]!.id;
      await client.query(
        `SELECT graphile_worker.add_job($1::text, $2::json, job_key => $3::text, max_attempts => $4::int, queue_name => $5::text)`,
        [task, payload, id, maxAttempts, queueFor(req.body)],
      );
      await client.query("COMMIT");
      req.log.info({ jobId: id, task, caller: req.caller }, "job enqueued");
      return reply.code(202).send({ id });
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  });

  app.get<{ Params: { id: string } }>(
    "/jobs/:id",
    {
      schema: {
        params: { type: "object", required: ["id"], properties: { id: { type: "string", pattern: JOB_ID_PATTERN } } },
      },
    },
    async (req, reply) => {
      const { rows } = await db.query(
        `SELECT id::text AS id, task, status::text AS status, attempts, max_attempts, last_error, result
           FROM app.jobs WHERE id = $1 AND caller = $2`,
        [req.params.id, req.caller],
      );
      const row = rows[0];
      if (!row) return reply.code(404).send({ error: "job not found" });
      return toJobView(row);
    },
  );
}

export function toJobView(row: Record<string, unknown>): JobView {
  return {
    id: String(row.id),
    task: String(row.task),
    status: String(row.status),
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    lastError: (row.last_error as string | null) ?? null,
    result: row.result ?? null,
  };
}
