// Adapts graphile-worker's Logger to the shared one-line JSON log.
import { Logger, type LogLevel } from "graphile-worker";
import type { Log } from "../../api/src/shared/log.ts";

/** graphile-worker's log calls, as our one-line JSON. Its debug chatter stays at debug. */
export function graphileLogger(log: Log): Logger {
  return new Logger(() => (level: LogLevel, message: string, meta?: Record<string, unknown>) => {
    const fields: Record<string, unknown> = { source: "graphile-worker" };
    const error = meta?.error;
    if (error) fields.err = error;
    const target = level === "error" ? log.error : level === "warning" ? log.warn : level === "info" ? log.info : log.debug;
    // graphile-worker appends the stack to failure messages; the first line says it all
    target(message.split("\n")[0]!, fields);
  });
}

