// Builds the fastify app from its dependencies; knows nothing about env or sockets, so
// tests drive it with fastify.inject.
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from "fastify";
import type pg from "pg";
import type { CacheStore } from "./cache.ts";
import { classifyDbError, errorFields } from "./errors.ts";
import { registerHealthRoute, type Probe } from "./routes/health.ts";
import { registerJobRoutes } from "./routes/jobs.ts";
import { registerReadRoutes } from "./routes/reads.ts";
import type { GuardConfig } from "./config.ts";
import { guarded, registerHostCheck } from "./guard/plugin.ts";

export interface AppDeps {
  db: pg.Pool;
  summaryCache: CacheStore;
  partitionsCache: CacheStore;
  summaryTtl: number;
  partitionsTtl: number;
  probes: Record<string, Probe>;
  guard: GuardConfig;
}

/** Slow-request defences: a client gets this long for its headers, and for the whole request. */
export const HEADERS_TIMEOUT_MS = 5_000;
export const REQUEST_TIMEOUT_MS = 10_000;
export const BODY_LIMIT_BYTES = 16 * 1024;

export function buildApp(deps: AppDeps, logger: FastifyServerOptions["logger"] = false): FastifyInstance {
  const app = Fastify({
    logger,
    bodyLimit: BODY_LIMIT_BYTES,
    requestTimeout: REQUEST_TIMEOUT_MS,
    keepAliveTimeout: 5_000,
    connectionTimeout: 30_000,
    // node checks the header and request timeouts every connectionsCheckingInterval (30 s
    // by default, which would let a slow client hold a socket six times longer).
    http: { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1_000 },
    // Reject, never silently drop or coerce, what the schema does not allow.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    return503OnClosing: true,
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation) {
      return reply.code(400).send({ error: "invalid request", detail: `${err.validationContext ?? "request"} ${err.validation[0]?.instancePath ?? ""} ${err.validation[0]?.message ?? ""}`.replace(/\s+/g, " ").trim() });
    }
    const status = err.statusCode ?? 0;
    if (status === 429) return reply.code(429).send({ error: "rate limit exceeded" });
    if (status >= 400 && status < 500) {
      // fastify's own client errors (bad JSON, body too large, wrong content type)
      return reply.code(status).send({ error: err.message.split("\n")[0] });
    }
    const failure = classifyDbError(err);
    req.log[failure.status >= 500 && failure.status !== 503 ? "error" : "warn"]({ error: errorFields(err) }, failure.error);
    return reply.code(failure.status).send({ error: failure.error });
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: "not found" }));

  registerHostCheck(app, deps.guard.allowedHosts);
  registerHealthRoute(app, deps.probes);
  void app.register(
    guarded(deps.guard, (scope) => {
      registerJobRoutes(scope, deps.db, deps.guard.maxOpenJobs);
      registerReadRoutes(scope, deps);
    }),
  );
  return app;
}
