// Maps backend failures to HTTP answers. Clients get a short fixed message; the log line
// gets the error code. Nothing here echoes input or configuration.

/** Node socket errors and SQLSTATE classes that mean "postgres/pgbouncer is not reachable". */
const NET_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "EPIPE", "EHOSTUNREACH"]);

export interface HttpFailure {
  status: number;
  error: string;
}

export function classifyDbError(err: unknown): HttpFailure {
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === "string") {
    if (NET_CODES.has(code)) return { status: 503, error: "database unavailable" };
    // 08xxx connection exception, 57P0x shutdown/cannot connect now, 53300 too many connections
    if (/^08|^57P0|^53300$/.test(code)) return { status: 503, error: "database unavailable" };
    // graphile_worker.add_job or the app schema not there yet: the worker migrates on start
    if (code === "42883" || code === "3F000" || code === "42P01") return { status: 503, error: "job queue not ready" };
  }
  if (/timeout|Connection terminated|connect/i.test(message)) return { status: 503, error: "database unavailable" };
  return { status: 500, error: "internal error" };
}

/** The few error fields worth a log line: no stack, no query parameters. */
export function errorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  return { name: err.name, message: err.message, ...(code ? { code } : {}) };
}
