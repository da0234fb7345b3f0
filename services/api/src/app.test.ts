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
const TOKEN = "t".repeat(40);
const OTHER_TOKEN = "o".repeat(40);
const TOKENS = `# callers\nverify ${TOKEN}\nother ${OTHER_TOKEN}\n`;
const AUTH = { authorization: `Bearer ${TOKEN}` };
const RATE = 30;
let clients: Clients;
let app: FastifyInstance;

beforeAll(async () => {
  const cfg = loadApiConfig(
    { PGHOST: "127.0.0.1", PGPORT: CLOSED, VALKEY_HOST: "127.0.0.1", VALKEY_PORT: CLOSED, MEMCACHED_SERVERS: `127.0.0.1:${CLOSED}`, API_RATE_LIMIT_PER_SECOND: String(RATE) },
    (path) => (path.endsWith("api_tokens") ? TOKENS : "test-secret"),
  );
  clients = createClients(cfg, createLog("api", "error", () => undefined));
  app = buildApp({
    guard: cfg.guard,
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
  app.inject({ method: "POST", url: "/jobs", payload: body as object, headers: AUTH });

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
    const res = await app.inject({ method: "POST", url: "/jobs", headers: { ...AUTH, "content-type": "application/json" }, payload: "{task:" });
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
  it.each(["1;drop", "42"])("rejects %s: ids are uuids, not counters", async (id) => {
    const res = await app.inject({ method: "GET", url: `/jobs/${id}`, headers: AUTH });
    expect(res.statusCode).toBe(400);
  });

  it("passes a uuid through to the database", async () => {
    const res = await app.inject({ method: "GET", url: "/jobs/6f1c9d1e-3b7a-4c52-9e0a-2d8f4b6a1c3e", headers: AUTH });
    expect(res.statusCode).toBe(503);
  });
});

describe("the guard", () => {
  const routes = [
    ["POST", "/jobs"],
    ["GET", "/jobs/6f1c9d1e-3b7a-4c52-9e0a-2d8f4b6a1c3e"],
    ["GET", "/events/summary"],
    ["GET", "/partitions"],
  ] as const;

  it.each(routes)("%s %s without a token → 401 with a Bearer challenge", async (method, url) => {
    const res = await app.inject({ method, url, ...(method === "POST" ? { payload: { task: "echo" } } : {}) });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: "unauthorized" });
    expect(res.headers["www-authenticate"]).toBe('Bearer realm="apex"');
  });

  it.each([
    ["a wrong token", `Bearer ${"x".repeat(40)}`],
    ["a token one character short", `Bearer ${TOKEN.slice(1)}`],
    ["another scheme", `Basic ${TOKEN}`],
  ])("%s → 401", async (_what, authorization) => {
    const res = await app.inject({ method: "GET", url: "/events/summary", headers: { authorization } });
    expect(res.statusCode).toBe(401);
  });

  it("a listed token is let through (and meets the absent database)", async () => {
    for (const token of [TOKEN, OTHER_TOKEN]) {
      const res = await app.inject({ method: "GET", url: "/events/summary", headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(503);
    }
  });

  it.each(["evil.example", "evil.example:8080", "127.0.0.1.evil.example", "api.evil.example"])("Host %s → 421 before anything else, /health included", async (host) => {
    for (const url of ["/health", "/events/summary"]) {
      const res = await app.inject({ method: "GET", url, headers: { ...AUTH, host } });
      expect(res.statusCode).toBe(421);
      expect(res.json()).toEqual({ error: "unknown host" });
    }
  });

  it.each(["localhost:8080", "127.0.0.1:8080", "[::1]:8080", "api:8080", "API"])("Host %s is ours", async (host) => {
    const res = await app.inject({ method: "GET", url: "/health", headers: { host } });
    expect(res.statusCode).toBe(503); // backends away, but answered
  });

  it("a body over 16 KiB → 413", async () => {
    const res = await post({ task: "echo", payload: { pad: "x".repeat(17 * 1024) } });
    expect(res.statusCode).toBe(413);
  });

  it(`more than ${RATE} requests in a second from one caller → 429 with retry-after; another caller is not held back`, async () => {
    const burst = await Promise.all(
      Array.from({ length: RATE + 10 }, () => app.inject({ method: "GET", url: "/jobs/nope", headers: { authorization: `Bearer ${OTHER_TOKEN}` } })),
    );
    const limited = burst.filter((r) => r.statusCode === 429);
    expect(limited.length).toBeGreaterThanOrEqual(10);
    expect(limited[0]!.json()).toEqual({ error: "rate limit exceeded" });
    expect(Number(limited[0]!.headers["retry-after"])).toBeGreaterThan(0);
    expect(burst[0]!.headers["x-ratelimit-limit"]).toBe(String(RATE));
    const mine = await app.inject({ method: "GET", url: "/jobs/nope", headers: AUTH });
    expect(mine.statusCode).toBe(400);
  });
});

describe("health and cached reads without backends", () => {
  it("GET /health (no token needed) → 503 naming each backend that is down, and nothing more", async () => {
    const res = await app.inject({ method: "GET", url: "/health" });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: "fail", down: ["db", "valkey", "memcached"] });
    expect(res.body).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|test-secret/);
  });

  it("GET /events/summary and /partitions → 503 when postgres is away, even though the cache just missed", async () => {
    for (const url of ["/events/summary", "/partitions"]) {
      const res = await app.inject({ method: "GET", url, headers: AUTH });
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
