// Every workflow check on the real stack: each fails when its part is broken on purpose,
// and all pass on the intact stack.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../manage/target.ts";
import { testStack } from "../manage/testStack.ts";
import { WORKFLOWS, runWorkflow } from "./index.ts";
import { API_WORKFLOWS, apiAuthentication, apiHostAllowList, apiJobIsolation, apiLimits } from "./api.ts";
import { backupRoundtrip, restoreRefusesExisting } from "./backup.ts";
import { manageEnv } from "./env.ts";
import { maintenancePartitions } from "./maintenance.ts";
import { queueCompletes, queueDrains, queueExclusive, queueRetriesThenFails, queueSurvivesRestart } from "./queue.ts";
import { memcachedRoundtrip, pgbouncerPools, valkeyAcl, valkeyPersistence } from "./services.ts";
import type { Workflow } from "./workflow.ts";

const fixture = (name: string) => resolve(REPO_ROOT, "src/workflows/testdata", name);

describe("workflow checks on the real stack", () => {
  const s = testStack("apex-workflows");
  const check = (w: Workflow, boundMs?: number) =>
    runWorkflow(w, s.target, REPO_ROOT, (ctx) => {
      if (boundMs) ctx.queueBoundMs = boundMs;
    });

  beforeAll(() => s.up());
  afterAll(() => s.down());

  it("restore-refuses-existing fails when there is no backup to prove it with", async () => {
    const r = await check(restoreRefusesExisting);
    expect(r).toMatchObject({ status: "fail", kind: "workflow", id: "workflow/restore-refuses-existing" });
    expect(r.message).toMatch(/no finished backup/);
  });

  it("manage-env fails on a compose file that breaks the posture", async () => {
    const broken = { ...s.target, files: [...s.target.files, fixture("broken-posture.yaml")] };
    const r = await runWorkflow(manageEnv, broken, REPO_ROOT);
    expect(r.status).toBe("fail");
    expect(r.message).toMatch(/api: read_only is false/);
    expect(r.message).toMatch(/memcached: no-new-privileges/);
  });

  it("backup-roundtrip fails when the backup service is down", async () => {
    await s.compose(["stop", "logical_backup"]);
    try {
      const r = await check(backupRoundtrip);
      expect(r.status).toBe("fail");
      expect(r.message).toMatch(/not running/);
    } finally {
      await s.compose(["start", "logical_backup"]);
    }
  });

  it("maintenance-partitions fails when retention is switched off", async () => {
    await s.psql("UPDATE partman.part_config SET retention = NULL WHERE parent_table = 'app.events'");
    try {
      const r = await check(maintenancePartitions);
      expect(r.status).toBe("fail");
      expect(r.message).toMatch(/past retention\) still attached/);
    } finally {
      await s.psql("UPDATE partman.part_config SET retention = '30 days' WHERE parent_table = 'app.events'");
    }
  });

  it("the queue checks fail with a worker that cannot start", async () => {
    const broken = { ...s.target, files: [...s.target.files, fixture("broken-worker.yaml")] };
    const { compose } = await import("../docker.ts");
    await compose(broken, ["up", "-d", "--no-deps", "--force-recreate", "worker"], { timeoutMs: 300_000 });
    try {
      const results = [];
      for (const w of [queueCompletes, queueRetriesThenFails, queueDrains]) results.push(await check(w, 5_000));
      // these two (re)start the worker themselves: keep the broken definition for them
      for (const w of [queueExclusive, queueSurvivesRestart])
        results.push(await runWorkflow(w, broken, REPO_ROOT, (ctx) => (ctx.queueBoundMs = 5_000)));
      expect(results.map((r) => `${r.id}:${r.status}`)).toEqual([
        "workflow/queue-completes:fail",
        "workflow/queue-retry-fail:fail",
        "workflow/queue-sigterm-drain:fail",
        "workflow/queue-exclusive:fail",
        "workflow/queue-survives-restart:fail",
      ]);
    } finally {
      await compose(s.target, ["up", "-d", "--no-deps", "--force-recreate", "--wait", "--scale", "worker=1", "worker"], { timeoutMs: 300_000 });
    }
  });

  it("the api checks fail, each for its own reason, against an api without its guard", async () => {
    const unguarded = { ...s.target, files: [...s.target.files, fixture("unguarded-api.yaml")] };
    const { compose } = await import("../docker.ts");
    await compose(unguarded, ["up", "-d", "--no-deps", "--force-recreate", "--wait", "api"], { timeoutMs: 300_000 });
    try {
      const results = [];
      for (const w of [apiAuthentication, apiHostAllowList, apiJobIsolation, apiLimits]) results.push(await check(w));
      // the fake numbers every POST, the authentication check's included
      expect(results.map((r) => `${r.id}: ${r.status}: ${r.message}`.replace(/job ids \d+, \d+/, "job ids N, N+1"))).toEqual([
        "workflow/api-authentication: fail: GET /events/summary without a token answered 200, expected 401",
        "workflow/api-host-allow-list: fail: GET /events/summary with Host rebind.attacker.example answered 200, expected 421",
        "workflow/api-job-isolation: fail: job ids N, N+1 are not random uuids",
        "workflow/api-limits: fail: " +
          [
            "a 17 KiB body answered 202, expected 413",
            "GET /events/summary answered without an x-ratelimit-limit header (200): no rate limit is in force",
            "500 requests at once were all served",
            "a client that never finished its headers held the connection over 20000 ms (bound 15000 ms)",
          ].join("; "),
      ]);
    } finally {
      await compose(s.target, ["up", "-d", "--no-deps", "--force-recreate", "--wait", "api"], { timeoutMs: 300_000 });
    }
  });

  it("api-limits fails when the rate limit is out of reach and a slow client may stay", async () => {
    const loose = { ...s.target, files: [...s.target.files, fixture("loose-api.yaml")] };
    const { compose } = await import("../docker.ts");
    await compose(loose, ["up", "-d", "--no-deps", "--force-recreate", "--wait", "api"], { timeoutMs: 300_000 });
    try {
      const r = await check(apiLimits);
      expect(r.status).toBe("fail");
      expect(r.message).toBe("the rate limit of 100000 requests a second is more than one caller needs and more than apex can prove (at most 333)");
    } finally {
      await compose(s.target, ["up", "-d", "--no-deps", "--force-recreate", "--wait", "api"], { timeoutMs: 300_000 });
    }
  });

  it("valkey-acl fails when the app's user may do everything (the ACL before the fix)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "apex-acl-"));
    const hash = createHash("sha256").update(readFileSync(join(REPO_ROOT, "infra/secrets/valkey_password"), "utf8").trim()).digest("hex");
    writeFileSync(join(dir, "wide.acl"), `user default on #${hash} ~* &* +@all -@dangerous +bgsave +lastsave +info\n`, { mode: 0o444 });
    writeFileSync(join(dir, "wide.yaml"), `secrets:\n  valkey_users.acl:\n    file: ${join(dir, "wide.acl")}\n`);
    const wide = { ...s.target, files: [...s.target.files, join(dir, "wide.yaml")] };
    const { compose } = await import("../docker.ts");
    try {
      await compose(wide, ["up", "-d", "--no-deps", "--force-recreate", "--wait", "valkey"], { timeoutMs: 300_000 });
      const r = await check(valkeyAcl);
      expect(r.status).toBe("fail");
      expect(r.message).toBe('the app\'s user may run EVAL, FUNCTION, GET (EVAL "return 1" 0 answered "1")');
    } finally {
      await compose(s.target, ["up", "-d", "--no-deps", "--force-recreate", "--wait", "valkey"], { timeoutMs: 300_000 });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("pgbouncer-pools fails when the app may read pgbouncer's console", async () => {
    const wide = { ...s.target, files: [...s.target.files, fixture("pgbouncer-wide.yaml")] };
    const { compose } = await import("../docker.ts");
    try {
      await compose(wide, ["up", "-d", "--no-deps", "--force-recreate", "--wait", "pgbouncer"], { timeoutMs: 300_000 });
      const r = await check(pgbouncerPools);
      expect(`${r.status}: ${r.message}`).toBe("fail: apex_app may read pgbouncer's console (SHOW POOLS): it must not be in stats_users or admin_users");
    } finally {
      await compose(s.target, ["up", "-d", "--no-deps", "--force-recreate", "--wait", "pgbouncer"], { timeoutMs: 300_000 });
    }
  });

  it("valkey-persistence, memcached-roundtrip and pgbouncer-pools fail when their service is down", async () => {
    await s.compose(["pause", "valkey"]);
    await s.compose(["stop", "memcached", "pgbouncer"]);
    try {
      const v = await check(valkeyPersistence);
      const m = await check(memcachedRoundtrip);
      const p = await check(pgbouncerPools);
      expect([v.status, m.status, p.status]).toEqual(["fail", "fail", "fail"]);
    } finally {
      await s.compose(["unpause", "valkey"]);
      await s.up(["memcached", "pgbouncer"]);
    }
  });

  it("all pass on the intact stack, each with evidence", async () => {
    const results = [];
    for (const w of WORKFLOWS) results.push(await check(w));
    const summary = results.map((r) => `${r.id}:${r.status}${r.status === "pass" ? "" : ` (${r.message})`}`);
    expect(summary).toEqual(WORKFLOWS.map((w) => `${w.meta.id}:pass`));
    for (const r of results) expect(r.evidence.length).toBeGreaterThan(0);
  });
});

describe("workflow checks against a Docker host that is not this machine", () => {
  const s = testStack("apex-workflows-remote");
  beforeAll(() => s.up());
  afterAll(() => s.down());

  it("reach the api from inside its container when its published port is not ours", async () => {
    const saved = process.env.APEX_API_FROM;
    process.env.APEX_API_FROM = "inside"; // what a tcp:// DOCKER_HOST (Docker-in-Dagger) selects
    try {
      const r = await runWorkflow(queueCompletes, s.target, REPO_ROOT);
      expect(r.status, r.message).toBe("pass");
      expect(r.evidence.some((e) => e.command?.[1]?.startsWith("api:http://127.0.0.1:8080/jobs"))).toBe(true);
      // the guard's checks too: forged Host, bursts and the slow client, all from inside
      for (const w of API_WORKFLOWS) {
        const a = await runWorkflow(w, s.target, REPO_ROOT);
        expect(`${a.id}: ${a.status}: ${a.message}`).toMatch(/: pass: /);
      }
    } finally {
      if (saved === undefined) delete process.env.APEX_API_FROM;
      else process.env.APEX_API_FROM = saved;
    }
  });
});
