// worker configuration from the environment; defaults match infra/compose.yaml.
import { hostname } from "node:os";
import { envInt, envString, pgSettings, readFileUtf8, type Env, type PgSettings, type ReadFile } from "../../api/src/shared/env.ts";
import { parseLevel, type Level } from "../../api/src/shared/log.ts";

export interface WorkerConfig {
  // Direct to postgres, not pgbouncer: graphile-worker LISTENs for new jobs.
  pg: PgSettings;
  concurrency: number;
  pollIntervalMs: number;
  /** Heartbeat file on the /tmp tmpfs; `--health` reads its age. */
  heartbeatFile: string;
  heartbeatIntervalMs: number;
  /** A heartbeat older than this is unhealthy. */
  heartbeatMaxAgeMs: number;
  workerId: string;
  logLevel: Level;
}

export function heartbeatSettings(env: Env): Pick<WorkerConfig, "heartbeatFile" | "heartbeatIntervalMs" | "heartbeatMaxAgeMs"> {
  const heartbeatIntervalMs = envInt(env, "HEARTBEAT_INTERVAL_MS", 5000, 100, 600_000);
  return {
    heartbeatFile: envString(env, "HEARTBEAT_FILE", "/tmp/worker-heartbeat"),
    heartbeatIntervalMs,
    heartbeatMaxAgeMs: envInt(env, "HEARTBEAT_MAX_AGE_MS", heartbeatIntervalMs * 4, 1000, 3_600_000),
  };
}

export function loadWorkerConfig(env: Env = process.env, read: ReadFile = readFileUtf8, host: string = hostname(), pid: number = process.pid): WorkerConfig {
  return {
    pg: pgSettings(env, read, { host: "postgres", port: 5432 }),
    concurrency: envInt(env, "WORKER_CONCURRENCY", 4, 1, 64),
    pollIntervalMs: envInt(env, "WORKER_POLL_INTERVAL_MS", 1000, 100, 60_000),
    ...heartbeatSettings(env),
    workerId: `${host}:${pid}`,
    logLevel: parseLevel(env.LOG_LEVEL),
  };
}
