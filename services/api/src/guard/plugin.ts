// The api's guard: Host allow-list for every route, then, for every route registered inside
// `guarded`, a bearer token naming the caller and a per-caller rate limit.
import bearerAuth from "@fastify/bearer-auth";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import type { GuardConfig } from "../config.ts";
import { callerLookup } from "./callers.ts";
import { hostAllowed } from "./hosts.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The authenticated caller's name; "" outside the guarded routes. */
    caller: string;
  }
}

export type GuardOptions = Pick<GuardConfig, "callers" | "allowedHosts" | "ratePerSecond">;

export function registerHostCheck(app: FastifyInstance, allowed: Set<string>): void {
  app.decorateRequest("caller", "");
  app.addHook("onRequest", async (req, reply) => {
    if (!hostAllowed(req.headers.host, allowed)) {
      req.log.warn({ host: String(req.headers.host ?? "").slice(0, 100) }, "request for a host not on the allow-list");
      return reply.code(421).send({ error: "unknown host" });
    }
  });
}

/** Registers `routes` behind the token check and the rate limit. */
export function guarded(opts: GuardOptions, routes: (scope: FastifyInstance) => void): FastifyPluginAsync {
  const lookup = callerLookup(opts.callers);
  return async (scope) => {
    await scope.register(bearerAuth, {
      keys: [],
      auth: (token, req) => {
        const name = lookup(token);
        if (name) req.caller = name;
        return name !== null;
      },
      errorResponse: () => ({ error: "unauthorized" }),
      verifyErrorLogLevel: "warn",
    });
    scope.addHook("onSend", async (_req, reply, payload) => {
      if (reply.statusCode === 401) reply.header("www-authenticate", 'Bearer realm="apex"');
      return payload;
    });
    // Registered after the token check, whose onRequest hook therefore runs first: the limit
    // is the caller's, not the address's (behind a proxy every caller shares one address),
    // and it counts requests that fail validation too.
    await scope.register(rateLimit, {
      hook: "onRequest",
      max: opts.ratePerSecond,
      timeWindow: 1000,
      keyGenerator: (req) => req.caller,
      errorResponseBuilder: () => ({ statusCode: 429, error: "rate limit exceeded" }),
    });
    routes(scope);
  };
}
