// Route validation and failure answers through fastify.inject. The backends are real
// clients aimed at a closed port, so every request that passes validation meets a real
// "connection refused": what the api answers when postgres/valkey/memcached are away.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.ts";
import { memcachedStore, valkeyStore } from "./cache.ts";
import { createClients, type Clients } from "./clients.ts";
import { loadApiConfig } from "./config.ts";
import { createLog } from "./shared/log.ts";
import { runProbes } from "./routes/health.ts";

const CLOSED = "1"; // nothing listens on port 1
let clients: Clients;
let app: FastifyInstance;

beforeAll(async () => {
  const cfg = loadApiConfig(
    { PGHOST: "127.0.0.1", PGPORT: CLOSED, VALKEY_HOST: "127.0.0.1", VALKEY_PORT: CLOSED, MEMCACHED_SERVERS: `127.0.0.1:${CLOSED}` },
    () => "test-secret",
  );
  clients = createClients(cfg, createLog("api", "error", () => undefined));
  app = buildApp({
    db: clients.pool,
    summaryCache: valkeyStore(clients.valkey),
    partitionsCache: memcachedStore(clients.memcached),
    summaryTtl: 5,
    partitionsTtl: 5,
    probes: {
      db: () => clients.pool.query("SELECT 1"),
      valkey: () => clients.valkey.ping(),
      memcached: () => clients.memcached.get("apex:health"),
    },
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await clients.close();
});

const post = (body: unknown) =>
  app.inject({ method: "POST", url: "/jobs", payload: body as object });

describe("POST /jobs validation", () => {
  it.each([
    ["no task", {}, "must have required property 'task'"],
    ["unknown task", { task: "rm" }, "/task must be equal to one of the allowed values"],
    ["unknown field", { task: "echo", priority: 1 }, "must NOT have additional properties"],
    ["maxAttempts 0", { task: "echo", maxAttempts: 0 }, "/maxAttempts must be >= 1"],
    ["maxAttempts as string", { task: "echo", maxAttempts: "3" }, "/maxAttempts must be integer"],
    ["sleep without payload", { task: "sleep" }, "must have required property 'payload'"],
    ["sleep without ms", { task: "sleep", payload: {} }, "/payload must have required property 'ms'"],
    ["sleep too long", { task: "sleep", payload: { ms: 10_000_000 } }, "/payload/ms must be <= 120000"],
  ])("%s → 400 with the reason", async (_name, body, reason) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe("invalid request");
    expect(res.json().detail).toContain(reason);
  });

  it("malformed JSON → 400, one line, no stack", async () => {
    const res = await app.inject({ method: "POST", url: "/jobs", headers: { "content-type": "application/json" }, payload: "{task:" });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toMatch(/\n|at .*\(/);
  });

  it.each([
    { task: "echo", payload: { hello: "world" } },
    { task: "fail", maxAttempts: 2 },
    { task: "sleep", payload: { ms: 50 } },
  ])("a valid body %o passes validation and meets the (absent) database: 503", async (body) => {
    const res = await post(body);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: "database unavailable" });
  });
});

describe("GET /jobs/:id", () => {
  it("rejects an id that is neither a bigint nor a uuid", async () => {
    const res = await app.inject({ method: "GET", url: "/jobs/1;drop" });
    expect(res.statusCode).toBe(400);
  });

  it("passes a numeric id through to the database", async () => {
    const res = await app.inject({ method: "GET", url: "/jobs/42" });
    expect(res.statusCode).toBe(503);
  });
});

describe("health and cached reads without backends", () => {
  it("GET /health → 503 naming each failed backend", async () => {
    const res = await app.inject({ method: "GET", url: "/health" });
    expect(res.statusCode).toBe(503);
    const { status, checks } = res.json();
    expect(status).toBe("fail");
    expect(Object.keys(checks).sort()).toEqual(["db", "memcached", "valkey"]);
    for (const v of Object.values(checks)) expect(v).toMatch(/^fail: /);
    expect(res.body).not.toContain("test-secret");
  });

  it("GET /events/summary and /partitions → 503 when postgres is away, even though the cache just missed", async () => {
    for (const url of ["/events/summary", "/partitions"]) {
      const res = await app.inject({ method: "GET", url });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ error: "database unavailable" });
    }
  });

  it("unknown route → 404 JSON", async () => {
    const res = await app.inject({ method: "GET", url: "/nope" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: "not found" });
  });
});

describe("runProbes", () => {
  it("reports ok only for probes that answer in time", async () => {
    const checks = await runProbes(
      {
        fast: async () => "PONG",
        broken: async () => Promise.reject(Object.assign(new Error("refused"), { code: "ECONNREFUSED" })),
        slow: () => new Promise((r) => setTimeout(r, 500)),
      },
      100,
    );
    expect(checks).toEqual({ fast: "ok", broken: "fail: ECONNREFUSED refused", slow: "fail: no answer within 100 ms" });
  });
});
