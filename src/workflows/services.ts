// valkey, memcached and pgbouncer doing their jobs with the posture in place.
import { readFileSync } from "node:fs";
import { WorkflowError, within, type WorkflowContext } from "./context.ts";
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

// Each line one command, through one valkey-cli reading stdin: what a compromised api
// would try with the cache's password (none of it changes data, should the ACL let it
// through), and the three things the api itself does.
const ACL_REFUSED = ['EVAL "return 1" 0', "FUNCTION LIST", "ACL LIST", "CONFIG GET maxmemory", "KEYS *", "GET session:other-app", "MODULE LIST"];
// One valkey-cli per stdin line, each answer after a marker line: replies of any shape
// (errors, empty arrays, several lines) stay with their command.
const ONE_PER_LINE = `while IFS= read -r line; do echo @@apex; printf '%s\\n' "$line" | REDISCLI_AUTH="$(cat /run/secrets/valkey_password)" valkey-cli --no-auth-warning; done`;
const ACL_ALLOWED = ["PING", "SET apex:workflow:acl ok EX 30", "GET apex:workflow:acl"];

export const valkeyAcl: Workflow = {
  service: "valkey",
  meta: {
    id: "workflow/valkey-acl",
    kind: "workflow",
    title: "valkey lets the app's user do what the api does, and nothing else (no scripting, no admin, apex: keys only)",
    severity: "medium",
    refs: ["valkey ACL", "CIS Redis 3.x ACL"],
    remediation: "Keep the ACL of scripts/secrets.sh: -@all, then the commands the api's caches and the healthcheck use, on ~apex:* keys, with resetchannels.",
  },
  async run(ctx) {
    const input = [...ACL_REFUSED, ...ACL_ALLOWED].join("\n") + "\n";
    const r = await ctx.mustCompose(["exec", "-T", "valkey", "sh", "-c", ONE_PER_LINE], { input, note: "each command as the app's user" });
    const answers = r.stdout.split("@@apex\n").slice(1).map((a) => a.trim());
    if (answers.length < ACL_REFUSED.length + ACL_ALLOWED.length) throw new WorkflowError(`valkey-cli answered ${answers.length} lines for ${ACL_REFUSED.length + ACL_ALLOWED.length} commands`);
    const allowedWrongly = ACL_REFUSED.filter((_, i) => !/^NOPERM\b/.test(answers[i]!));
    if (allowedWrongly.length)
      return fail(`the app's user may run ${allowedWrongly.map((c) => c.split(" ")[0]).join(", ")} (${allowedWrongly[0]} answered "${answers[ACL_REFUSED.indexOf(allowedWrongly[0]!)]!.split("\n")[0]!.slice(0, 80)}")`);
    const [ping, set, get] = answers.slice(ACL_REFUSED.length);
    if (ping !== "PONG" || set !== "OK" || get !== "ok") return fail(`the api's own commands were refused: PING ${ping}, SET ${set}, GET ${get}`);
    return pass(`${ACL_REFUSED.length} commands refused (NOPERM): ${ACL_REFUSED.map((c) => c.split(" ")[0]).join(", ")}; PING, SET and GET on apex: keys answered`);
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
// Run in the postgres container (it has psql): a query through pgbouncer as the app, then
// SHOW POOLS refused to the app and answered to apex_stats, whose password comes on stdin.
const PGB_SCRIPT = [
  'PGPASSWORD="$(cat /run/secrets/app_db_password)"; export PGPASSWORD',
  'psql -X -q -At -h pgbouncer -p 6432 -U apex_app -d apex -c "SELECT 1" >/dev/null || exit 3',
  'if psql -X -q -At -h pgbouncer -p 6432 -U apex_app -d pgbouncer -c "SHOW POOLS" >/dev/null 2>&1; then exit 4; fi',
  'IFS= read -r PGPASSWORD; export PGPASSWORD',
  'exec psql -X -A -F "|" -h pgbouncer -p 6432 -U apex_stats -d pgbouncer -c "SHOW POOLS"',
].join("\n");

/** apex_stats's password, from the pgbouncer_userlist secret the model names. */
async function statsPassword(ctx: WorkflowContext): Promise<string> {
  const file = (await ctx.resolved()).secrets?.pgbouncer_userlist?.file;
  if (!file) throw new WorkflowError('no "pgbouncer_userlist" file secret in the compose model');
  const line = readFileSync(file, "utf8").split("\n").find((l) => l.startsWith('"apex_stats" '));
  const pw = line ? /^"apex_stats" "(.*)"$/.exec(line.trim())?.[1] : undefined;
  if (!pw) throw new WorkflowError(`${file} has no apex_stats user: run scripts/secrets.sh`);
  return pw;
}

export const pgbouncerPools: Workflow = {
  service: "pgbouncer",
  meta: {
    id: "workflow/pgbouncer-pools",
    kind: "workflow",
    title: "pgbouncer pools connections to apex, and shows its console to the stats user alone",
    severity: "medium",
    refs: ["pgbouncer SHOW POOLS"],
    remediation: "pgbouncer must reach postgres:5432 with the userlist's credentials; stats_users = apex_stats only (the app has no business reading the console).",
  },
  async run(ctx) {
    const r = await ctx.compose(["exec", "-T", "postgres", "sh", "-c", PGB_SCRIPT], { input: `${await statsPassword(ctx)}\n` });
    if (r.exitCode === 3) return fail(`a query through pgbouncer:6432 failed: ${r.stderr.trim().split("\n").pop()}`);
    if (r.exitCode === 4) return fail("apex_app may read pgbouncer's console (SHOW POOLS): it must not be in stats_users or admin_users");
    if (r.exitCode !== 0) return fail(`SHOW POOLS failed: ${r.stderr.trim().split("\n").pop()}`);
    const [header, ...rows] = r.stdout.trim().split("\n");
    const cols = header.split("|");
    const pool = rows.map((l) => Object.fromEntries(l.split("|").map((v, i) => [cols[i], v]))).find((p) => p.database === "apex" && p.user === "apex_app");
    if (!pool) throw new WorkflowError(`SHOW POOLS has no apex/apex_app pool: ${r.stdout.trim()}`);
    const servers = Number(pool.sv_active ?? 0) + Number(pool.sv_idle ?? 0) + Number(pool.sv_used ?? 0);
    return pass(`SHOW POOLS refused to apex_app, answered to apex_stats; pool apex/apex_app mode ${pool.pool_mode}: ${pool.cl_active} client(s) active, ${servers} server connection(s)`);
  },
};
