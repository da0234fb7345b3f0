// POST /jobs enqueues, GET /jobs/:id reads status. The app.jobs row and the
// graphile-worker job are created in one transaction, with job key = app job id, so a job
// exists in both places or in neither.
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

// bigint identity or uuid: the route accepts both shapes, postgres decides (22P02 → 404).
export const JOB_ID_PATTERN = "^([1-9][0-9]{0,18}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$";

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

export function registerJobRoutes(app: FastifyInstance, db: pg.Pool): void {
  app.post<{ Body: EnqueueBody }>("/jobs", { schema: { body: enqueueSchema } }, async (req, reply) => {
    const { task } = req.body;
    const payload = JSON.stringify(req.body.payload ?? null);
    const maxAttempts = req.body.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const client = await db.connect();
    try {
      await client.query("BEGIN");
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO app.jobs (task, payload, status, attempts, max_attempts)
         VALUES ($1, $2, 'queued', 0, $3) RETURNING id::text AS id`,
        [task, payload, maxAttempts],
      );
      const id = rows[0]!.id;
      await client.query(
        `SELECT graphile_worker.add_job($1::text, $2::json, job_key => $3::text, max_attempts => $4::int)`,
        [task, payload, id, maxAttempts],
      );
      await client.query("COMMIT");
      req.log.info({ jobId: id, task }, "job enqueued");
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
      let rows: Array<Record<string, unknown>>;
      try {
        ({ rows } = await db.query(
          `SELECT id::text AS id, task, status::text AS status, attempts, max_attempts, last_error, result
             FROM app.jobs WHERE id = $1`,
          [req.params.id],
        ));
      } catch (err) {
        // an id the column cannot hold (uuid for a bigint, or beyond bigint) names no job
        const code = (err as { code?: string }).code;
        if (code === "22P02" || code === "22003") rows = [];
        else throw err;
      }
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
