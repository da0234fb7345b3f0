// Entry point of the api image (bundled to dist/server.mjs).
//   node server.mjs           serve on $PORT
//   node server.mjs --health  exit 0 when GET /health on this container answers 200
//                             (compose healthcheck without curl in the image)
import { buildApp } from "./app.ts";
import { memcachedStore, valkeyStore } from "./cache.ts";
import { createClients } from "./clients.ts";
import { loadApiConfig } from "./config.ts";
import { ConfigError, envInt } from "./shared/env.ts";
import { createLog } from "./shared/log.ts";
import { onShutdown } from "./shared/shutdown.ts";

const SHUTDOWN_LIMIT_MS = 10_000;

async function healthMode(): Promise<number> {
  const port = envInt(process.env, "PORT", 8080, 1, 65535);
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(3000) });
    const body = await res.text();
    process.stdout.write(`${res.status} ${body}\n`);
    return res.status === 200 ? 0 : 1;
  } catch (err) {
    process.stdout.write(`health: api not answering on port ${port}: ${(err as Error).message}\n`);
    return 1;
  }
}

async function serve(): Promise<void> {
  const cfg = loadApiConfig();
  const log = createLog("api", cfg.logLevel);
  const clients = createClients(cfg, log);
  const app = buildApp(
    {
      db: clients.pool,
      summaryCache: valkeyStore(clients.valkey),
      partitionsCache: memcachedStore(clients.memcached),
      summaryTtl: cfg.summaryTtl,
      partitionsTtl: cfg.partitionsTtl,
      probes: {
        db: () => clients.pool.query("SELECT 1"),
        valkey: () =>
          clients.valkey.status === "ready"
            ? clients.valkey.ping()
            : Promise.reject(new Error(`not connected (${clients.valkey.status})`)),
        memcached: () => clients.memcached.get("apex:health"),
      },
      guard: cfg.guard,
    },
    {
      level: cfg.logLevel,
      base: { service: "api" },
      // Same line shape as the worker's logger: ISO time, level as a word.
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      formatters: { level: (label: string) => ({ level: label }) },
    },
  );

  // close() stops accepting connections and waits for in-flight requests.
  onShutdown(log, () => app.close().then(() => clients.close()), { doing: "shutting down", limitMs: SHUTDOWN_LIMIT_MS });

  await app.listen({ port: cfg.port, host: cfg.host });
  log.info("listening", { port: cfg.port, pg: `${cfg.pg.host}:${cfg.pg.port}`, valkey: `${cfg.valkey.host}:${cfg.valkey.port}`, memcached: cfg.memcachedServers, callers: cfg.guard.callers.map((c) => c.name) });
}

async function main(): Promise<void> {
  if (process.argv.includes("--health")) process.exit(await healthMode());
  try {
    await serve();
  } catch (err) {
    // One line, no stack: a missing secret or a port in use is an operator problem.
    const prefix = err instanceof ConfigError ? "api: configuration error" : "api: cannot start";
    process.stderr.write(`${prefix}: ${(err as Error).message}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  }
}

void main();
