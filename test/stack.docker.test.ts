// The hardened stack, for real: builds the images, brings infra/compose.yaml up under a
// unique project name, and shows every service doing its job under x-security-defaults.
// Then a second bring-up must reuse images and volumes, and `down -v` must leave nothing.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compose, docker, mustSucceed, run, type ComposeTarget, type RunResult } from "../src/docker.ts";
import { repoApiCallers } from "../src/workflows/callers.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const project = `apex-stack-${randomBytes(4).toString("hex")}`;
const target: ComposeTarget = { files: [join(root, "infra/compose.yaml")], projectName: project };
// Ephemeral api port whatever the caller's shell says: another project may be running.
// Our own image tag: other stacks on this host rebuild apex/*:local while we run.
const tag = project;
const env = { ...process.env, APEX_API_PORT: "", APEX_IMAGE_PREFIX: "apex", APEX_TAG: tag };
const LONG_RUNNING = ["postgres", "logical_backup", "pgbouncer", "valkey", "memcached", "api", "worker"];

const dc = (args: string[], timeoutMs = 120_000): Promise<RunResult> => compose(target, args, { env, timeoutMs });
const exec = (service: string, argv: string[]): Promise<RunResult> => dc(["exec", "-T", service, ...argv]);
/** A shell line inside a service (the secret is read there, never passed in argv). */
const sh = (service: string, line: string): Promise<RunResult> => exec(service, ["sh", "-c", line]);
const ok = async (p: Promise<RunResult>, what: string): Promise<string> => mustSucceed(await p, what).stdout.trim();

// psql inside the postgres container. Through pgbouncer: as apex_app with its password.
const viaPgbouncer = (sql: string) =>
  sh("postgres", `PGPASSWORD="$(cat /run/secrets/app_db_password)" exec psql -X -qtA -v ON_ERROR_STOP=1 -h pgbouncer -p 6432 -U apex_app -d apex -c "${sql}"`);
const direct = (sql: string) => exec("postgres", ["psql", "-X", "-qtA", "-v", "ON_ERROR_STOP=1", "-U", "postgres", "-d", "apex", "-c", sql]);
const valkey = (args: string) =>
  sh("valkey", `REDISCLI_AUTH="$(cat /run/secrets/valkey_password)" exec valkey-cli -h 127.0.0.1 --no-auth-warning ${args}`);

interface PsRow { Service: string; State: string; Health?: string; ExitCode?: number; ID: string; Image: string }
async function ps(): Promise<PsRow[]> {
  const out = await ok(dc(["ps", "-a", "--format", "json"]), "compose ps");
  // compose 2.26 prints one JSON object per line; older releases printed one array.
  if (out.startsWith("[")) return JSON.parse(out) as PsRow[];
  return out.split("\n").filter(Boolean).map((l) => JSON.parse(l) as PsRow);
}

async function apiBase(): Promise<string> {
  const hostPort = await ok(dc(["port", "api", "8080"]), "compose port api 8080");
  expect(hostPort).toMatch(/^127\.0\.0\.1:\d+$/);
  return `http://${hostPort}`;
}

async function up(extra: string[] = []): Promise<RunResult> {
  return mustSucceed(await dc(["up", "-d", "--wait", "--wait-timeout", "300", ...extra], 600_000), "compose up --wait");
}

async function projectLeftovers(): Promise<{ containers: string; networks: string; volumes: string }> {
  const label = `label=com.docker.compose.project=${project}`;
  const [c, n, v] = await Promise.all([
    docker(["ps", "-aq", "--filter", label]),
    docker(["network", "ls", "-q", "--filter", label]),
    docker(["volume", "ls", "-q", "--filter", label]),
  ]);
  return { containers: c.stdout.trim(), networks: n.stdout.trim(), volumes: v.stdout.trim() };
}

beforeAll(async () => {
  // Secrets and bundles are normally made by scripts/ensure-deps.sh; make sure here too.
  mustSucceed(await run("bash", [join(root, "scripts/secrets.sh")]), "scripts/secrets.sh");
  if (!existsSync(join(root, "services/api/dist/server.mjs")) || !existsSync(join(root, "services/worker/dist/worker.mjs"))) {
    mustSucceed(await run("node", [join(root, "scripts/build-services.mjs")], { cwd: root }), "build-services");
  }
  mustSucceed(await dc(["build"], 900_000), "compose build");
  await up();
});

afterAll(async () => {
  await dc(["down", "-v", "--remove-orphans", "--timeout", "10"], 180_000);
  // Only the tags: the layers stay shared with apex/*:local and the build cache.
  const tags = await docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", `reference=apex/*:${tag}`]);
  const refs = tags.stdout.split("\n").filter(Boolean);
  if (refs.length) await docker(["rmi", ...refs]);
});

describe("hardened stack", () => {
  it("brings every long-running service to healthy; volume_prep ran once and exited 0", async () => {
    const rows = await ps();
    for (const s of LONG_RUNNING) {
      const row = rows.find((r) => r.Service === s);
      expect(row, `${s} has a container`).toBeDefined();
      expect(`${s}: ${row?.State}/${row?.Health}`).toBe(`${s}: running/healthy`);
    }
    const prep = rows.find((r) => r.Service === "volume_prep");
    expect(prep?.State).toBe("exited");
    expect(prep?.ExitCode).toBe(0);
  });

  it("runs every long-running service under the anchor, as its own uid", async () => {
    const uids: Record<string, string> = {
      postgres: "999:999", logical_backup: "999:999", pgbouncer: "1001:1001", valkey: "1002:1002",
      memcached: "1003:1003", api: "1000:1000", worker: "1000:1000",
    };
    for (const row of (await ps()).filter((r) => LONG_RUNNING.includes(r.Service))) {
      const [info] = JSON.parse(await ok(docker(["inspect", row.ID]), "docker inspect")) as Array<{
        HostConfig: { CapDrop: string[] | null; CapAdd: string[] | null; ReadonlyRootfs: boolean; SecurityOpt: string[] | null; Privileged: boolean };
        Config: { User: string };
      }>;
      expect(info.HostConfig.CapDrop, row.Service).toContain("ALL");
      expect(info.HostConfig.CapAdd ?? [], row.Service).toEqual([]);
      expect(info.HostConfig.ReadonlyRootfs, row.Service).toBe(true);
      expect(info.HostConfig.SecurityOpt, row.Service).toContain("no-new-privileges:true");
      expect(info.HostConfig.Privileged, row.Service).toBe(false);
      expect(info.Config.User, row.Service).toBe(uids[row.Service]);
      // The kernel's view: no effective capability, and the root file system refuses writes.
      const status = await ok(exec(row.Service, ["cat", "/proc/1/status"]), `${row.Service} /proc/1/status`);
      expect(status, row.Service).toMatch(/^CapEff:\s+0+$/m);
      expect(status, row.Service).toMatch(/^NoNewPrivs:\s+1$/m);
      const write = await exec(row.Service, ["touch", "/apex-write-test"]);
      expect(write.exitCode, row.Service).not.toBe(0);
      expect(write.stderr, row.Service).toMatch(/Read-only file system/);
    }
  });

  it("answers SQL through pgbouncer (transaction pooling) and refuses a wrong password", async () => {
    const marker = `stack-test-${randomBytes(4).toString("hex")}`;
    await ok(viaPgbouncer(`insert into app.events (kind, payload) values ('${marker}', '{}')`), "insert via pgbouncer");
    expect(await ok(viaPgbouncer(`select count(*) from app.events where kind = '${marker}'`), "select via pgbouncer")).toBe("1");
    // The row is really in postgres, in today's partition (not the default one).
    const child = await ok(direct(`select tableoid::regclass from app.events where kind = '${marker}'`), "direct select");
    expect(child).toMatch(/^app\.events_p\d{8}$/);

    const wrong = await sh("postgres", `PGPASSWORD=not-the-password psql -X -qtA -h pgbouncer -p 6432 -U apex_app -d apex -c "select 1"`);
    expect(wrong.exitCode).not.toBe(0);
    expect(wrong.stderr).toMatch(/password authentication failed|SASL authentication failed/);
  });

  it("has pg_partman managing app.events: daily, premake 4, 30-day retention, partitions ahead", async () => {
    const config = await ok(direct(
      "select partition_interval, premake, retention from partman.part_config where parent_table = 'app.events'",
    ), "part_config");
    expect(config).toBe("1 day|4|30 days");
    const names = (await ok(direct("select partition_tablename from partman.show_partitions('app.events')"), "show_partitions")).split("\n");
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10).replaceAll("-", "");
    expect(names).toContain(`events_p${day(0)}`);
    expect(names).toContain(`events_p${day(4)}`);
    // The server loaded the maintenance worker and pg_stat_statements.
    expect(await ok(direct("show shared_preload_libraries"), "preload")).toBe("pg_partman_bgw,pg_stat_statements");
    expect(await ok(direct("show pg_partman_bgw.role"), "bgw role")).toBe("apex_partman");
  });

  it("has pg_partman's background worker, as the non-superuser role, recreate a missing partition", async () => {
    // pg_partman premakes beyond the newest child (it does not fill gaps): drop the newest.
    const last = await ok(direct(
      "select partition_tablename from partman.show_partitions('app.events', 'DESC') limit 1",
    ), "newest partition");
    expect(last).toMatch(/^events_p\d{8}$/);
    await ok(direct(`drop table app.${last}`), "drop the newest premade partition");
    // Run the worker every 2 s in this throwaway project (the shipped interval is an hour).
    await ok(direct("alter system set pg_partman_bgw.interval = 2"), "alter system");
    await ok(direct("select pg_reload_conf()"), "reload");
    let owner = "";
    for (let i = 0; i < 40 && owner === ""; i++) {
      await new Promise((r) => setTimeout(r, 500));
      owner = await ok(direct(`select tableowner from pg_tables where schemaname = 'app' and tablename = '${last}'`), "owner");
    }
    expect(owner).toBe("apex_partman");
    await ok(direct("alter system reset pg_partman_bgw.interval"), "alter system reset");
    await ok(direct("select pg_reload_conf()"), "reload");
  });

  it("stores and reads in valkey, refuses anonymous clients, and BGSAVE lands on its volume", async () => {
    expect(await ok(valkey("set apex:stack-test hello"), "valkey set")).toBe("OK");
    expect(await ok(valkey("get apex:stack-test"), "valkey get")).toBe("hello");
    const anon = await exec("valkey", ["valkey-cli", "-h", "127.0.0.1", "ping"]);
    expect(anon.stdout).toMatch(/NOAUTH/);

    const before = Number(await ok(valkey("lastsave"), "lastsave"));
    await ok(valkey("bgsave"), "bgsave");
    let info = "";
    for (let i = 0; i < 50; i++) {
      info = await ok(valkey("info persistence"), "info persistence");
      if (/rdb_bgsave_in_progress:0/.test(info) && Number(/rdb_last_save_time:(\d+)/.exec(info)?.[1]) >= before) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(info).toMatch(/rdb_last_bgsave_status:ok/);

    // Read the named volume from a throwaway container: the dump is on the volume itself.
    const volume = `${project}_valkeydata`;
    const image = (await ps()).find((r) => r.Service === "valkey")!.Image;
    const listing = await ok(docker([
      "run", "--rm", "--network", "none", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges:true",
      "--user", "1002:1002", "-v", `${volume}:/v:ro`, "--entrypoint", "ls", image, "-1", "/v",
    ]), "list valkeydata volume");
    expect(listing.split("\n")).toEqual(expect.arrayContaining(["dump.rdb", "appendonlydir"]));
  });

  it("stores and reads in memcached", async () => {
    const reply = await ok(exec("memcached", ["bash", "-c",
      'exec 3<>/dev/tcp/127.0.0.1/11211; printf "set apex 0 60 5\\r\\nhello\\r\\nget apex\\r\\nquit\\r\\n" >&3; timeout 5 cat <&3',
    ]), "memcached set/get");
    expect(reply.replaceAll("\r", "").split("\n").filter(Boolean)).toEqual(["STORED", "VALUE apex 0 5", "hello", "END"]);
  });

  it("runs a job enqueued through the API to completion in the worker", async () => {
    const base = await apiBase();
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const payload = { hello: "stack", n: 42 };
    const authorization = `Bearer ${repoApiCallers(root).own.token}`;
    const res = await fetch(`${base}/jobs`, {
      method: "POST", headers: { authorization, "content-type": "application/json" }, body: JSON.stringify({ task: "echo", payload }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    let job: { status?: string; result?: unknown; attempts?: number } = {};
    for (let i = 0; i < 60 && job.status !== "succeeded" && job.status !== "failed"; i++) {
      await new Promise((r) => setTimeout(r, 500));
      job = (await (await fetch(`${base}/jobs/${id}`, { headers: { authorization } })).json()) as typeof job;
    }
    expect(job.status).toBe("succeeded");
    expect(job.result).toEqual(payload);
    // One finished run, recorded by a worker.
    const runs = await ok(direct(`select count(*), min(outcome) from app.job_runs where job_id = '${id}'`), "job_runs");
    expect(runs).toBe("1|succeeded");
  });

  it("comes up a second time on the same images and volumes, data intact, no re-initialisation", async () => {
    const imagesBefore = (await ps()).map((r) => `${r.Service}=${r.Image}`).sort();
    const ids = async () => {
      const out = await ok(docker(["image", "ls", "--no-trunc", "--format", "{{.Repository}}:{{.Tag}}={{.ID}}", "--filter", `reference=apex/*:${tag}`]), "image ls");
      return out.split("\n").sort();
    };
    const imageIdsBefore = await ids();
    const volumesBefore = (await projectLeftovers()).volumes;

    mustSucceed(await dc(["down", "--timeout", "10"], 180_000), "compose down (keep volumes)");
    const upAgain = await up(["--no-build"]);
    expect(upAgain.stderr).not.toMatch(/Building|Pulling/);

    expect((await ps()).map((r) => `${r.Service}=${r.Image}`).sort()).toEqual(imagesBefore);
    expect(await ids()).toEqual(imageIdsBefore);
    expect((await projectLeftovers()).volumes).toBe(volumesBefore);
    for (const row of (await ps()).filter((r) => LONG_RUNNING.includes(r.Service))) {
      expect(`${row.Service}: ${row.State}/${row.Health}`).toBe(`${row.Service}: running/healthy`);
    }
    // postgres kept its cluster (the new container ran no initdb) and valkey its data (AOF).
    const pgLogs = await ok(dc(["logs", "--no-color", "postgres"]), "postgres logs");
    expect(pgLogs).toMatch(/database system is ready to accept connections/);
    expect(pgLogs).not.toMatch(/running initdb/);
    expect(await ok(valkey("get apex:stack-test"), "valkey get after restart")).toBe("hello");
    expect(Number(await ok(direct("select count(*) from app.events where kind like 'stack-test-%'"), "events kept"))).toBeGreaterThan(0);
  });

  it("down -v leaves no container, network or volume of the project", async () => {
    mustSucceed(await dc(["down", "-v", "--remove-orphans", "--timeout", "10"], 180_000), "compose down -v");
    expect(await projectLeftovers()).toEqual({ containers: "", networks: "", volumes: "" });
  });
});
