// The api's three backends. Each client fails fast when its server is away (short
// timeouts, no offline queue) so /health answers quickly and requests do not hang.
import pg from "pg";
import { Valkey } from "iovalkey";
import memjs from "memjs";
import type { ApiConfig } from "./config.ts";
import type { Log } from "./shared/log.ts";

export interface Clients {
  pool: pg.Pool;
  valkey: Valkey;
  memcached: memjs.Client;
  close(): Promise<void>;
}

export function createClients(cfg: ApiConfig, log: Log): Clients {
  // pgbouncer runs in transaction mode: plain parameterised queries only (unnamed
  // statements), no session state, no LISTEN. The password is passed as a field, never
  // in a connection string that could end up in a log line.
  const { poolMax, connectTimeoutMs, ...connection } = cfg.pg;
  const pool = new pg.Pool({
    ...connection, // host, port, database, user, password (pgSettings)
    max: poolMax,
    // Also bounds the wait for a free pool slot: a burst of requests on a busy host must
    // queue, not fail. /health has its own, shorter bound.
    connectionTimeoutMillis: connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: "apex-api",
  });
  pool.on("error", (err) => log.warn("postgres pool client error", { err }));

  const valkey = new Valkey({
    host: cfg.valkey.host,
    port: cfg.valkey.port,
    ...(cfg.valkey.username ? { username: cfg.valkey.username } : {}),
    password: cfg.valkey.password,
    connectTimeout: 2000,
    commandTimeout: 1000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (times) => Math.min(times * 250, 2000),
  });
  // One line per state change, not one per retry.
  let valkeyDown = false;
  valkey.on("error", (err) => {
    if (!valkeyDown) log.warn("valkey unavailable", { err });
    valkeyDown = true;
  });
  valkey.on("ready", () => {
    if (valkeyDown) log.info("valkey available again");
    valkeyDown = false;
  });

  const memcached = memjs.Client.create(cfg.memcachedServers, {
    retries: 1,
    timeout: 0.5,
    conntimeout: 1,
    logger: { log: () => undefined }, // memjs logs to console by default; errors reach us as rejections
  });

  return {
    pool,
    valkey,
    memcached,
    async close() {
      memcached.close();
      valkey.disconnect();
      await pool.end();
    },
  };
}
