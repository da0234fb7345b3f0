// GET /health: 200 only when postgres (via pgbouncer), valkey and memcached all answer.
// Unauthenticated (the healthcheck and a load balancer ask it), so it says up or down and
// which backend is down, never why: the reasons (addresses, error texts) go to the log.
import type { FastifyInstance } from "fastify";

export type Probe = () => Promise<unknown>;

export async function runProbes(probes: Record<string, Probe>, timeoutMs: number): Promise<Record<string, string>> {
  const names = Object.keys(probes);
  const settled = await Promise.allSettled(names.map((n) => withTimeout(probes[n]!(), timeoutMs)));
  return Object.fromEntries(
    settled.map((s, i) => [names[i], s.status === "fulfilled" ? "ok" : `fail: ${reason(s.reason)}`]),
  );
}

function reason(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  const msg = err instanceof Error ? err.message : String(err);
  return (typeof code === "string" && !msg.includes(code) ? `${code} ${msg}` : msg).split("\n")[0]!.slice(0, 200);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export function registerHealthRoute(app: FastifyInstance, probes: Record<string, Probe>, timeoutMs = 1500): void {
  app.get("/health", { logLevel: "warn" }, async (req, reply) => {
    const checks = await runProbes(probes, timeoutMs);
    const down = Object.keys(checks).filter((k) => checks[k] !== "ok");
    if (down.length) req.log.warn({ checks }, "health: backend down");
    return reply.code(down.length ? 503 : 200).send(down.length ? { status: "fail", down } : { status: "ok" });
  });
}
