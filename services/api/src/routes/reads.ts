// The two cached reads: /events/summary through valkey, /partitions through memcached.
// Both answer x-cache: hit|miss.
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import { readThrough, type CacheStore } from "../cache.ts";

export interface ReadDeps {
  db: pg.Pool;
  summaryCache: CacheStore;
  partitionsCache: CacheStore;
  summaryTtl: number;
  partitionsTtl: number;
}

// Days in UTC so the answer does not depend on the server's TimeZone setting.
const SUMMARY_SQL = `
  SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::bigint AS count
    FROM app.events GROUP BY 1 ORDER BY 1`;

// pg_catalog rather than partman.show_partitions: needs no grant on the partman schema.
const PARTITIONS_SQL = `
  SELECT n.nspname AS schema, c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE i.inhparent = 'app.events'::regclass
   ORDER BY c.relname`;

export function registerReadRoutes(app: FastifyInstance, deps: ReadDeps): void {
  app.get("/events/summary", async (req, reply) => {
    const { value, hit } = await readThrough(
      deps.summaryCache,
      "apex:events:summary",
      deps.summaryTtl,
      async () => {
        const { rows } = await deps.db.query<{ day: string; count: string }>(SUMMARY_SQL);
        const days = rows.map((r) => ({ day: r.day, count: Number(r.count) }));
        return { days, total: days.reduce((s, d) => s + d.count, 0), generatedAt: new Date().toISOString() };
      },
      (op, err) => req.log.warn({ cache: "valkey", op, error: String(err) }, "cache unavailable, serving from postgres"),
    );
    return reply.header("x-cache", hit ? "hit" : "miss").send(value);
  });

  app.get("/partitions", async (req, reply) => {
    const { value, hit } = await readThrough(
      deps.partitionsCache,
      "apex:events:partitions",
      deps.partitionsTtl,
      async () => {
        const { rows } = await deps.db.query<{ schema: string; name: string; bound: string }>(PARTITIONS_SQL);
        return { parent: "app.events", partitions: rows, generatedAt: new Date().toISOString() };
      },
      (op, err) => req.log.warn({ cache: "memcached", op, error: String(err) }, "cache unavailable, serving from postgres"),
    );
    return reply.header("x-cache", hit ? "hit" : "miss").send(value);
  });
}
