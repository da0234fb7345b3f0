// The api's guard exercised on the running stack: who may call it, for which Host, how
// much, how slowly, and whose jobs a caller can see. Each check asks for what must be
// refused and proves the refusal, next to one request that must be served.
import { sleep, type WorkflowContext } from "./context.ts";
import { enqueue, UUID } from "./jobs.ts";
import { fail, pass, type Workflow } from "./workflow.ts";

const meta = (id: string, title: string, refs: string[], remediation: string): Workflow["meta"] => ({
  id,
  kind: "workflow",
  title,
  severity: "high",
  refs,
  remediation,
});

/** The first problem found, or null: the checks below list expectations, then judge them. */
const firstProblem = (problems: Array<string | false>) => problems.find((p): p is string => !!p) ?? null;

export const apiAuthentication: Workflow = {
  service: "api",
  meta: meta(
    "workflow/api-authentication",
    "The api serves only callers with a listed bearer token, and /health tells nothing more than up or down",
    ["OWASP API2:2023", "RFC 6750"],
    "Register every route but /health behind the token check (services/api/src/guard), give the api the api_tokens secret, and keep backend errors out of /health's body.",
  ),
  async run(ctx) {
    const bad = `Bearer ${"0".repeat(40)}`;
    const [none, wrong, basic, own, health] = [
      await ctx.http("GET", "/events/summary", { as: "anonymous" }),
      await ctx.http("GET", "/events/summary", { as: "anonymous", headers: { authorization: bad } }),
      await ctx.http("POST", "/jobs", { as: "anonymous", body: { task: "echo" }, headers: { authorization: "Basic dmVyaWZ5Og==" } }),
      await ctx.http("GET", "/events/summary"),
      await healthAnswer(ctx),
    ];
    const healthKeys = typeof health.body === "object" && health.body ? Object.keys(health.body).sort().join(",") : String(health.body);
    const problem = firstProblem([
      none.status !== 401 && `GET /events/summary without a token answered ${none.status}, expected 401`,
      wrong.status !== 401 && `GET /events/summary with an unknown token answered ${wrong.status}, expected 401`,
      basic.status !== 401 && `POST /jobs with Basic credentials answered ${basic.status}, expected 401`,
      !/^Bearer\b/.test(none.headers["www-authenticate"] ?? "") && "a 401 came without a WWW-Authenticate: Bearer challenge",
      own.status !== 200 && `GET /events/summary with the listed token answered ${own.status}, expected 200`,
      health.status !== 200 && `GET /health without a token answered ${health.status}, expected 200 on the intact stack`,
      healthKeys !== "status" && `GET /health tells more than up or down: its body holds ${healthKeys}`,
    ]);
    return problem ? fail(problem) : pass("no token, an unknown token and Basic credentials → 401 with a Bearer challenge; the listed token → 200; /health answers {status} alone");
  },
};

/** GET /health as a load balancer asks it: /health says 503 when a backend misses its
 *  1.5 s probe bound, which on a loaded machine (two stacks verified at once on 2 cores) is
 *  a moment, not an outage; so a 503 is asked again twice, a second apart, before it counts. */
async function healthAnswer(ctx: WorkflowContext) {
  let health = await ctx.http("GET", "/health", { as: "anonymous" });
  for (let tries = 0; health.status === 503 && tries < 2; tries++) {
    await sleep(1000);
    health = await ctx.http("GET", "/health", { as: "anonymous" });
  }
  return health;
}

export const apiHostAllowList: Workflow = {
  service: "api",
  meta: meta(
    "workflow/api-host-allow-list",
    "The api refuses a request naming a host that is not its own (DNS rebinding)",
    ["OWASP API8:2023", "DNS rebinding"],
    "Keep API_ALLOWED_HOSTS to the names clients use for the api (localhost, 127.0.0.1, ::1, api).",
  ),
  async run(ctx) {
    const forged = await ctx.http("GET", "/events/summary", { headers: { host: "rebind.attacker.example:8080" } });
    const forgedHealth = await ctx.http("GET", "/health", { as: "anonymous", headers: { host: "rebind.attacker.example" } });
    const ours = await ctx.http("GET", "/events/summary", { headers: { host: "localhost:8080" } });
    const problem = firstProblem([
      forged.status !== 421 && `GET /events/summary with Host rebind.attacker.example answered ${forged.status}, expected 421`,
      forgedHealth.status !== 421 && `GET /health with Host rebind.attacker.example answered ${forgedHealth.status}, expected 421`,
      ours.status !== 200 && `GET /events/summary with Host localhost answered ${ours.status}, expected 200`,
    ]);
    return problem ? fail(problem) : pass("Host rebind.attacker.example → 421 (with a valid token, and on /health); Host localhost → 200");
  },
};

/** The most requests one burst sends: a limit above this is not one worth the name. */
const MAX_BURST = 1000;
/** The slowest a client may send its headers before the api drops it. */
export const SLOW_CLIENT_BOUND_MS = 15_000;

export const apiLimits: Workflow = {
  service: "api",
  meta: meta(
    "workflow/api-limits",
    "The api bounds each caller's request rate, each request's size and how long a slow client may hold a connection",
    ["OWASP API4:2023", "CWE-400"],
    "Keep the rate limit (API_RATE_LIMIT_PER_SECOND), the 16 KiB body limit and the header/request timeouts of services/api/src/app.ts.",
  ),
  async run(ctx) {
    // The other caller does the bursting: the queue checks, running meanwhile, act as the
    // run's own caller and are not held back. Every limit is tried, and every miss reported.
    const probe = await ctx.http("GET", "/events/summary", { as: "other" });
    const limit = Number(probe.headers["x-ratelimit-limit"]);
    const problems: string[] = [];
    // the body first: after the burst this caller is refused anything for a second
    const big = await ctx.http("POST", "/jobs", { as: "other", raw: JSON.stringify({ task: "echo", payload: { pad: "x".repeat(17 * 1024) } }) });
    if (big.status !== 413) problems.push(`a 17 KiB body answered ${big.status}, expected 413`);
    let limited = 0;
    const hasLimit = Number.isInteger(limit) && limit > 0;
    if (!hasLimit) problems.push(`GET /events/summary answered without an x-ratelimit-limit header (${probe.status}): no rate limit is in force`);
    // Three times the limit, so that even a slow api takes more than its limit in the
    // first second of the burst.
    if (hasLimit && limit * 3 > MAX_BURST) {
      problems.push(`the rate limit of ${limit} requests a second is more than one caller needs and more than apex can prove (at most ${Math.floor(MAX_BURST / 3)})`);
    } else {
      const n = hasLimit ? limit * 3 : MAX_BURST / 2;
      // A loaded host may serve a burst slower than the limit (nothing then to refuse): a
      // few bursts, and the first that meets the limit counts.
      let refused: Awaited<ReturnType<typeof ctx.burst>> = [];
      for (let tries = 0; tries < 3 && !refused.length; tries++) refused = (await ctx.burst("GET", "/events/summary", n, "other")).filter((r) => r.status === 429);
      limited = refused.length;
      if (!refused.length) problems.push(`${n} requests at once${hasLimit ? `, against a limit of ${limit} a second,` : ""} were all served`);
      else if (!refused[0]!.headers["retry-after"]) problems.push("a 429 came without retry-after");
    }
    const slow = await ctx.slowClient(SLOW_CLIENT_BOUND_MS + 5_000);
    if (!slow.closed || slow.heldMs > SLOW_CLIENT_BOUND_MS)
      problems.push(`a client that never finished its headers held the connection ${slow.closed ? `${slow.heldMs} ms` : `over ${SLOW_CLIENT_BOUND_MS + 5_000} ms`} (bound ${SLOW_CLIENT_BOUND_MS} ms)`);
    return problems.length
      ? fail(problems.join("; "))
      : pass(`${limited} of a burst of ${limit * 3} → 429 beyond ${limit}/s, with retry-after; 17 KiB body → 413; a slow client was dropped after ${slow.heldMs} ms (${slow.answer || "closed"})`);
  },
};

export const apiJobIsolation: Workflow = {
  service: "api",
  meta: meta(
    "workflow/api-job-isolation",
    "Job ids do not enumerate, and a caller sees only the jobs it created",
    ["OWASP API1:2023", "CWE-639"],
    "Give jobs random ids (uuid) and read them WHERE id = $1 AND caller = $2: another caller's job must answer exactly as a missing one.",
  ),
  async run(ctx) {
    const a = await enqueue(ctx, { task: "echo", payload: { isolation: 0 } });
    const b = await enqueue(ctx, { task: "echo", payload: { isolation: 1 } });
    const mine = await ctx.http("GET", `/jobs/${a}`);
    const theirs = await ctx.http("GET", `/jobs/${a}`, { as: "other" });
    const missing = await ctx.http("GET", "/jobs/00000000-0000-4000-8000-000000000000", { as: "other" });
    const problem = firstProblem([
      !(UUID.test(a) && UUID.test(b)) && `job ids ${a}, ${b} are not random uuids`,
      mine.status !== 200 && `the creator's GET /jobs/${a} answered ${mine.status}, expected 200`,
      theirs.status !== 404 && `another caller's GET /jobs/${a} answered ${theirs.status}, expected 404`,
      JSON.stringify(theirs.body) !== JSON.stringify(missing.body) && `another caller's job answers ${JSON.stringify(theirs.body)}, a missing one ${JSON.stringify(missing.body)}: the difference tells that it exists`,
    ]);
    return problem ? fail(problem) : pass(`ids ${a.slice(0, 8)}…, ${b.slice(0, 8)}… are uuids; the creator reads its job (200), another caller gets 404, the same answer as a missing job`);
  },
};

export const API_WORKFLOWS = [apiAuthentication, apiHostAllowList, apiJobIsolation, apiLimits];
