// valkey, memcached and pgbouncer doing their jobs with the posture in place.
import { WorkflowError, within } from "./context.ts";
import { fail, pass, rand, type Workflow } from "./workflow.ts";

// The password is read inside the container from its secret file and handed to the client
// through the environment of that one process: never argv, never docker inspect.
const VALKEY_CLI = 'REDISCLI_AUTH="$(cat /run/secrets/valkey_password)" exec valkey-cli --no-auth-warning "$@"';

export const valkeyPersistence: Workflow = {
  service: "valkey",
  meta: {
    id: "workflow/valkey-persistence",
    kind: "workflow",
    title: "valkey keeps a written key across a restart, and the API's cache uses it",
    severity: "high",
    refs: ["valkey persistence (RDB/AOF)"],
    remediation: "valkey's `dir` must be a volume writable by its uid (RDB temp files and appendonlydir live there) with a read-only root.",
  },
  async run(ctx) {
    const key = `apex:workflow:${rand()}`;
    const value = `v-${Date.now()}`;
    const cli = (...args: string[]) => ctx.mustCompose(["exec", "-T", "valkey", "sh", "-c", VALKEY_CLI, "valkey-cli", ...args]);
    const set = await cli("SET", key, value);
    if (set.stdout.trim() !== "OK") return fail(`SET answered ${set.stdout.trim()}`);
    await new Promise((r) => setTimeout(r, 1500)); // appendfsync everysec
    await ctx.mustCompose(["restart", "valkey"], { note: "restart valkey (SIGTERM, then start)" });
    const back = await within(30_000, 500, async () => {
      const r = await ctx.compose(["exec", "-T", "valkey", "sh", "-c", VALKEY_CLI, "valkey-cli", "GET", key]);
      return r.exitCode === 0 && !/LOADING|refused/i.test(r.stdout + r.stderr) ? r.stdout.trim() : null;
    });
    if (back !== value) return fail(`after restart GET ${key} gave "${back}", expected "${value}"`);
    await cli("DEL", key);
    // the API's valkey-backed cache, once its client has reconnected: a read, then a hit
    const hit = await within(30_000, 1000, async () => {
      const a = await ctx.http("GET", "/events/summary");
      const b = a.status === 200 ? await ctx.http("GET", "/events/summary") : a;
      return b.status === 200 && b.headers["x-cache"] === "hit" ? b : null;
    });
    if (!hit) return fail("GET /events/summary was never served from valkey (x-cache: hit) within 30 s of the restart");
    return pass(`key survived the restart; /events/summary served from valkey (x-cache: hit)`);
  },
};

export const memcachedRoundtrip: Workflow = {
  service: "memcached",
  meta: {
    id: "workflow/memcached-roundtrip",
    kind: "workflow",
    title: "memcached serves the API's cached partition list",
    severity: "medium",
    refs: ["memcached"],
    remediation: "memcached must listen on 11211 inside the network, in the foreground, with -c under the nofile limit.",
  },
  async run(ctx) {
    const a = await ctx.http("GET", "/partitions");
    const b = await ctx.http("GET", "/partitions");
    if (a.status !== 200 || b.status !== 200) return fail(`GET /partitions answered ${a.status}, ${b.status}`);
    if (b.headers["x-cache"] !== "hit") return fail(`second GET /partitions was x-cache=${b.headers["x-cache"]}, expected hit`);
    if (JSON.stringify(a.body) !== JSON.stringify(b.body)) return fail("cached /partitions differs from the first answer");
    return pass(`GET /partitions: x-cache ${a.headers["x-cache"]} then hit, same body`);
  },
};

// psql from the postgres container (it has the client and the app role's password file)
// through pgbouncer: one query to the pooled database, then the admin console's SHOW POOLS.
const PGB_SCRIPT = [
  'PGPASSWORD="$(cat /run/secrets/app_db_password)"; export PGPASSWORD',
  'psql -X -q -At -h pgbouncer -p 6432 -U apex_app -d apex -c "SELECT 1" >/dev/null || exit 3',
  'exec psql -X -A -F "|" -h pgbouncer -p 6432 -U apex_app -d pgbouncer -c "SHOW POOLS"',
].join("\n");

export const pgbouncerPools: Workflow = {
  service: "pgbouncer",
  meta: {
    id: "workflow/pgbouncer-pools",
    kind: "workflow",
    title: "pgbouncer pools connections to apex (SHOW POOLS)",
    severity: "medium",
    refs: ["pgbouncer SHOW POOLS"],
    remediation: "pgbouncer must reach postgres:5432 with the userlist's credentials; apex_app needs to be in stats_users for SHOW.",
  },
  async run(ctx) {
    const r = await ctx.compose(["exec", "-T", "postgres", "sh", "-c", PGB_SCRIPT]);
    if (r.exitCode === 3) return fail(`a query through pgbouncer:6432 failed: ${r.stderr.trim().split("\n").pop()}`);
    if (r.exitCode !== 0) return fail(`SHOW POOLS failed: ${r.stderr.trim().split("\n").pop()}`);
    const [header, ...rows] = r.stdout.trim().split("\n");
    const cols = header.split("|");
    const pool = rows.map((l) => Object.fromEntries(l.split("|").map((v, i) => [cols[i], v]))).find((p) => p.database === "apex" && p.user === "apex_app");
    if (!pool) throw new WorkflowError(`SHOW POOLS has no apex/apex_app pool: ${r.stdout.trim()}`);
    const servers = Number(pool.sv_active ?? 0) + Number(pool.sv_idle ?? 0) + Number(pool.sv_used ?? 0);
    return pass(`pool apex/apex_app mode ${pool.pool_mode}: ${pool.cl_active} client(s) active, ${servers} server connection(s)`);
  },
};
