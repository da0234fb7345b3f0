// What each task does, apart from bookkeeping (see bookkeeping.ts). A task returns its
// result (stored in app.jobs.result) or throws (graphile-worker retries with backoff).

export const MAX_SLEEP_MS = 120_000;

export type TaskBody = (payload: unknown) => Promise<unknown>;

export class TaskInputError extends Error {}

export const taskBodies: Record<string, TaskBody> = {
  echo: async (payload) => payload ?? null,
  fail: async (payload) => {
    const reason = (payload as { message?: unknown } | null)?.message;
    throw new Error(typeof reason === "string" && reason ? reason.slice(0, 500) : "task failed on purpose");
  },
  // Deliberately deaf to graphile's abort signal: on SIGTERM the worker must let an
  // in-flight sleep finish (drain), not cut it short.
  sleep: async (payload) => {
    const ms = (payload as { ms?: unknown } | null)?.ms;
    if (typeof ms !== "number" || !Number.isInteger(ms) || ms < 0 || ms > MAX_SLEEP_MS) {
      throw new TaskInputError(`sleep needs payload {ms} with an integer 0..${MAX_SLEEP_MS}`);
    }
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { sleptMs: ms };
  },
};
