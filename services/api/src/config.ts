// api configuration from the environment; defaults match infra/compose.yaml.
import { envInt, envString, pgSettings, secretFromFile, readFileUtf8, type Env, type PgSettings, type ReadFile } from "./shared/env.ts";
import { parseLevel, type Level } from "./shared/log.ts";
import { parseCallers, type Caller } from "./guard/callers.ts";
import { parseAllowedHosts } from "./guard/hosts.ts";

export interface ApiConfig {
  port: number;
  host: string;
  logLevel: Level;
  pg: PgSettings & { poolMax: number; connectTimeoutMs: number };
  valkey: { host: string; port: number; username?: string; password: string };
  memcachedServers: string;
  /** Seconds the valkey-cached /events/summary lives. */
  summaryTtl: number;
  /** Seconds the memcached-cached /partitions lives. */
  partitionsTtl: number;
  guard: GuardConfig;
}

export interface GuardConfig {
  callers: Caller[];
  /** Host header names the api answers to (DNS rebinding defence). */
  allowedHosts: Set<string>;
  /** Requests one caller may make per second (fixed window). */
  ratePerSecond: number;
  /** Jobs one caller may have queued or running at once. */
  maxOpenJobs: number;
}

export const DEFAULT_ALLOWED_HOSTS = "localhost,127.0.0.1,::1,api";

export function loadApiConfig(env: Env = process.env, read: ReadFile = readFileUtf8): ApiConfig {
  const username = envString(env, "VALKEY_USERNAME", "");
  return {
    port: envInt(env, "PORT", 8080, 1, 65535),
    host: envString(env, "HOST", "0.0.0.0"),
    logLevel: parseLevel(env.LOG_LEVEL),
    // The api goes through pgbouncer (transaction pooling), hence the 6432 default.
    pg: { ...pgSettings(env, read, { host: "pgbouncer", port: 6432 }), poolMax: envInt(env, "PG_POOL_MAX", 10, 1, 100), connectTimeoutMs: envInt(env, "PG_CONNECT_TIMEOUT_MS", 10_000, 100, 120_000) },
    valkey: {
      host: envString(env, "VALKEY_HOST", "valkey"),
      port: envInt(env, "VALKEY_PORT", 6379, 1, 65535),
      ...(username ? { username } : {}),
      password: secretFromFile(env, "VALKEY_PASSWORD_FILE", "/run/secrets/valkey_password", read),
    },
    memcachedServers: envString(env, "MEMCACHED_SERVERS", "memcached:11211"),
    summaryTtl: envInt(env, "SUMMARY_CACHE_TTL", 5, 1, 3600),
    partitionsTtl: envInt(env, "PARTITIONS_CACHE_TTL", 30, 1, 3600),
    guard: {
      callers: parseCallers(secretFromFile(env, "API_TOKENS_FILE", "/run/secrets/api_tokens", read), envString(env, "API_TOKENS_FILE", "/run/secrets/api_tokens")),
      allowedHosts: parseAllowedHosts(envString(env, "API_ALLOWED_HOSTS", DEFAULT_ALLOWED_HOSTS)),
      ratePerSecond: envInt(env, "API_RATE_LIMIT_PER_SECOND", 100, 1, 100_000),
      maxOpenJobs: envInt(env, "API_MAX_OPEN_JOBS", 1000, 1, 1_000_000),
    },
  };
}
