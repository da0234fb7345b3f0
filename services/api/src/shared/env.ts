// Environment parsing shared by the api and the worker (the worker imports this file; the
// bundler inlines it). Pure: callers pass the env and a file reader, so tests need no disk.
import { readFileSync } from "node:fs";

/** A configuration problem: the entry point prints `message` as one line and exits 2. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export type Env = Record<string, string | undefined>;
export type ReadFile = (path: string) => string;

export const readFileUtf8: ReadFile = (path) => readFileSync(path, "utf8");

export function envString(env: Env, name: string, fallback: string): string {
  const v = env[name]?.trim();
  return v ? v : fallback;
}

export function envInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/**
 * Reads a secret from the file named by `<name>` (e.g. PGPASSWORD_FILE). Secrets come only
 * from files (compose secrets), never from plain env vars, which `docker inspect` would
 * show. The error names the variable and the path, never the content.
 */
export function secretFromFile(env: Env, name: string, defaultPath: string, read: ReadFile): string {
  const path = envString(env, name, defaultPath);
  let content: string;
  try {
    content = read(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ConfigError(`secret file ${path} (from ${name}) cannot be read: ${code}`);
  }
  const secret = content.replace(/\r?\n$/, "");
  if (!secret) throw new ConfigError(`secret file ${path} (from ${name}) is empty`);
  return secret;
}

export interface PgSettings {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
}

/** libpq-style PG* variables with per-service host/port defaults. */
export function pgSettings(env: Env, read: ReadFile, defaults: { host: string; port: number }): PgSettings {
  return {
    host: envString(env, "PGHOST", defaults.host),
    port: envInt(env, "PGPORT", defaults.port, 1, 65535),
    database: envString(env, "PGDATABASE", "apex"),
    user: envString(env, "PGUSER", "apex_app"),
    password: secretFromFile(env, "PGPASSWORD_FILE", "/run/secrets/app_db_password", read),
  };
}
