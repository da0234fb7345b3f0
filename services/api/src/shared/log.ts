// One JSON object per line on stdout (the worker's logger; the api uses fastify's pino,
// which writes the same shape). Callers pass structured fields, never secrets.
export type Level = "debug" | "info" | "warn" | "error";
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Log {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLog(
  service: string,
  minLevel: Level = "info",
  write: (line: string) => void = (l) => process.stdout.write(l),
): Log {
  const emit = (level: Level) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (RANK[level] < RANK[minLevel]) return;
    const entry = { time: new Date().toISOString(), level, service, msg, ...fields };
    write(JSON.stringify(entry, errorReplacer) + "\n");
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

/** Errors serialise as name/message/code only: no stack in logs, nothing that might echo config. */
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as NodeJS.ErrnoException).code;
    return { name: value.name, message: value.message, ...(code ? { code } : {}) };
  }
  return value;
}

export function parseLevel(raw: string | undefined): Level {
  const v = (raw ?? "").toLowerCase();
  return v === "debug" || v === "warn" || v === "error" ? v : "info";
}
