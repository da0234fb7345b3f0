// The api and worker against the real hardened stack (own compose project, torn down
// afterwards): jobs through the api, retries, no double runs with two workers, SIGTERM
// drain, jobs surviving a worker restart, both caches, and /health failing on purpose
// when a backend is stopped.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compose, docker, mustSucceed, type ComposeTarget } from "../../../src/docker.ts";
import { build, down, failureEvidence, leftovers, psAll, up, waitReady } from "../../../src/stack/lifecycle.ts";
import { repoApiCallers } from "../../../src/workflows/callers.ts";

const repo = join(import.meta.dirname, "../../..");
const t: ComposeTarget = { files: [join(repo, "infra/compose.yaml")], projectName: `apexq${randomBytes(3).toString("hex")}` };
let base = "";
const { own: caller, other } = repoApiCallers(repo);
const AUTH = { authorization: `Bearer ${caller.token}` };
const get = (path: string, as = AUTH) => fetch(`${base}${path}`, { headers: as });
let services: string[] = [];

async function sql(query: string): Promise<string> {
  const r = mustSucceed(await compose(t, ["exec", "-T", "postgres", "psql", "-U", "postgres", "-d", "apex", "-AtX", "-c", query]), "psql");
  return r.stdout.trim();
}

async function enqueue(body: unknown): Promise<string> {
  const res = await fetch(`${base}/jobs`, { method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: JSON.stringify(body) });
  const answer = (await res.json()) as { id: string };
  expect({ status: res.status, answer }).toMatchObject({ status: 202 });
  return answer.id;
}

async function job(id: string): Promise<Record<string, unknown>> {
  const res = await get(`/jobs/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

const settled = (id: string, timeout: number) =>
  expect.poll(async () => (await job(id)).status, { timeout, interval: 250 }).toMatch(/^(succeeded|failed)$/);

async function ready(): Promise<void> {
  const w = await waitReady(t, services, 240_000);
  if (!w.ok) {
    const evidence = await Promise.all(w.failed.map((s) => failureEvidence(t, w.states.get(s), s)));
    throw new Error(`not ready: ${w.failed.join(", ")}\n${JSON.stringify(evidence, null, 1)}`);
  }
}

beforeAll(async () => {
  mustSucceed(await build(t), "compose build");
  services = mustSucceed(await compose(t, ["config", "--services"]), "compose config").stdout.split("\n").filter(Boolean);
  mustSucceed(await up(t), "compose up");
  await ready();
  await findApi();
});

/** The api's published port is ephemeral: it changes whenever the api is recreated. */
async function findApi(): Promise<void> {
  const port = mustSucceed(await compose(t, ["port", "api", "8080"]), "compose port").stdout.trim();
  base = `http://${port}`;
}

afterAll(async () => {
  await down(t);
  expect(await leftovers(t.projectName!)).toEqual([]);
});

describe("api + worker on the hardened stack", () => {
  it("GET /health is 200 with every backend ok", async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("an echo job enqueued through the api is finished by the worker with its payload as result", async () => {
    const id = await enqueue({ task: "echo", payload: { hello: "apex" } });
    await settled(id, 30_000);
    expect(await job(id)).toEqual({ id, task: "echo", status: "succeeded", attempts: 1, maxAttempts: 3, lastError: null, result: { hello: "apex" } });
    // the app row and graphile's job were created together, keyed by the app id
    expect(await sql(`SELECT count(*) FROM app.job_runs WHERE job_id = '${id}' AND outcome = 'succeeded'`)).toBe("1");
  });

  it("an unknown job id is 404, a counter or malformed one 400, another caller's job 404", async () => {
    expect((await get("/jobs/0b3e1f4e-7d1a-4c57-9a53-2d6f3b0a9c11")).status).toBe(404);
    for (const id of ["1", "999999999", "1%20or%201=1"]) expect((await get(`/jobs/${id}`)).status).toBe(400);
    const id = await enqueue({ task: "echo", payload: { mine: true } });
    expect((await get(`/jobs/${id}`, { authorization: `Bearer ${other!.token}` })).status).toBe(404);
    expect((await fetch(`${base}/jobs/${id}`)).status).toBe(401);
  });

  it("a failing job is retried, then fails with its error recorded on every attempt", async () => {
    const id = await enqueue({ task: "fail", maxAttempts: 2, payload: { message: "broken on purpose" } });
    await settled(id, 60_000);
    expect(await job(id)).toMatchObject({ status: "failed", attempts: 2, maxAttempts: 2, lastError: "broken on purpose" });
    expect(await sql(`SELECT string_agg(attempt || ':' || outcome, ',' ORDER BY attempt) FROM app.job_runs WHERE job_id = '${id}'`)).toBe(
      "1:failed,2:failed",
    );
  });

  it("two workers never run the same job: every job has exactly one run", async () => {
    mustSucceed(await compose(t, ["up", "--detach", "--no-build", "--scale", "worker=2", "worker"]), "scale worker=2");
    // only the workers matter here (the rest of the stack was checked in beforeAll)
    await expect
      .poll(async () => (await psAll(t)).filter((s) => s.service === "worker" && s.health === "healthy").length, { timeout: 120_000, interval: 500 })
      .toBe(2);
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => enqueue({ task: "sleep", payload: { ms: 20 + (i % 5) * 10 } })));
    for (const id of ids) await settled(id, 60_000);
    const list = ids.map((id) => `'${id}'`).join(",");
    expect(await sql(`SELECT count(*) FROM app.jobs WHERE id IN (${list}) AND status = 'succeeded'`)).toBe("30");
    expect(await sql(`SELECT count(*) FROM app.job_runs WHERE job_id IN (${list})`)).toBe("30");
    // no two runs of one job overlap in time (would also break UNIQUE (job_id, attempt))
    expect(
      await sql(`SELECT count(*) FROM app.job_runs a JOIN app.job_runs b ON a.job_id = b.job_id AND a.id < b.id
                  AND tstzrange(a.started_at, a.finished_at) && tstzrange(b.started_at, b.finished_at)`),
    ).toBe("0");
    mustSucceed(await compose(t, ["up", "--detach", "--no-build", "--scale", "worker=1", "worker"]), "scale worker=1");
  });

  it("SIGTERM drains: an in-flight job finishes and the worker exits 0", async () => {
    const id = await enqueue({ task: "sleep", payload: { ms: 4000 } });
    await expect.poll(async () => (await job(id)).status, { timeout: 30_000, interval: 100 }).toBe("running");
    mustSucceed(await compose(t, ["stop", "--timeout", "30", "worker"]), "stop worker");
    expect(await job(id)).toMatchObject({ status: "succeeded", attempts: 1, result: { sleptMs: 4000 } });
    // graphile-worker recorded the completion too: the job is gone, not left locked by the
    // exited worker (to run again when the lock expires)
    expect(await sql(`SELECT count(*) FROM graphile_worker._private_jobs WHERE key = '${id}'`)).toBe("0");
    const container = mustSucceed(await compose(t, ["ps", "-a", "-q", "worker"]), "ps").stdout.trim().split("\n")[0]!;
    expect(mustSucceed(await docker(["inspect", "--format", "{{.State.ExitCode}}", container]), "inspect").stdout.trim()).toBe("0");
  });

  it("a caller past its quota of open jobs is refused (429) while another caller is not; long sleeps queue one at a time", async () => {
    const small: ComposeTarget = { ...t, files: [...t.files, join(repo, "services/worker/src/testdata/small-quota.yaml")] };
    mustSucceed(await compose(t, ["stop", "worker"]), "stop worker");
    mustSucceed(await compose(small, ["up", "--detach", "--no-build", "--no-deps", "--wait", "api"]), "api with a quota of 3");
    await findApi();
    try {
      for (let i = 0; i < 3; i++) await enqueue({ task: "sleep", payload: { ms: 1500 } });
      const refused = await fetch(`${base}/jobs`, { method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: '{"task":"echo"}' });
      expect(refused.status).toBe(429);
      expect(await refused.json()).toEqual({ error: "too many open jobs (at most 3 queued or running per caller)" });
      const theirs = await fetch(`${base}/jobs`, { method: "POST", headers: { authorization: `Bearer ${other!.token}`, "content-type": "application/json" }, body: '{"task":"echo"}' });
      expect(theirs.status).toBe(202);
      // the three long sleeps share graphile-worker's named queue: they never overlap
      mustSucceed(await compose(t, ["start", "worker"]), "start worker");
      await expect.poll(async () => sql("SELECT count(*) FROM app.jobs WHERE status IN ('queued', 'running')"), { timeout: 60_000, interval: 500 }).toBe("0");
      expect(
        await sql(`SELECT count(*) FROM app.job_runs a JOIN app.job_runs b ON a.id < b.id
                     JOIN app.jobs ja ON ja.id = a.job_id JOIN app.jobs jb ON jb.id = b.job_id
                    WHERE ja.task = 'sleep' AND jb.task = 'sleep' AND (ja.payload->>'ms')::int > 1000 AND (jb.payload->>'ms')::int > 1000
                      AND tstzrange(a.started_at, a.finished_at) && tstzrange(b.started_at, b.finished_at)`),
      ).toBe("0");
    } finally {
      mustSucceed(await compose(t, ["up", "--detach", "--no-build", "--no-deps", "--wait", "api"]), "api as it was");
      await findApi();
      // as the drain test left it: the next test enqueues while no worker runs
      mustSucceed(await compose(t, ["stop", "worker"]), "stop worker");
    }
  });

  it("a job enqueued while no worker runs is done after the worker restarts", async () => {
    const id = await enqueue({ task: "echo", payload: "while stopped" });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await job(id)).status).toBe("queued");
    mustSucceed(await compose(t, ["start", "worker"]), "start worker");
    await settled(id, 60_000);
    expect(await job(id)).toMatchObject({ status: "succeeded", result: "while stopped" });
  });

  it("/events/summary is cached in valkey and /partitions in memcached: miss, then hit", async () => {
    await sql(`INSERT INTO app.events (kind, created_at) SELECT 'test', now() - (g || ' hours')::interval FROM generate_series(0, 30) g`);
    for (const [url, key] of [
      ["/events/summary", "total"],
      ["/partitions", "partitions"],
    ] as const) {
      const first = await get(url);
      const second = await get(url);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect([first.headers.get("x-cache"), second.headers.get("x-cache")]).toEqual(["miss", "hit"]);
      const a = (await first.json()) as Record<string, unknown>;
      expect(await second.json()).toEqual(a);
      expect(a[key]).toBeTruthy();
    }
  });

  it("/health fails (503, naming db) while pgbouncer is stopped, and recovers", async () => {
    mustSucceed(await compose(t, ["stop", "pgbouncer"]), "stop pgbouncer");
    try {
      const res = await fetch(`${base}/health`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: "fail", down: ["db"] });
      const enq = await fetch(`${base}/jobs`, { method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: '{"task":"echo"}' });
      expect(enq.status).toBe(503);
    } finally {
      mustSucceed(await compose(t, ["start", "pgbouncer"]), "start pgbouncer");
    }
    await expect.poll(async () => (await fetch(`${base}/health`)).status, { timeout: 30_000, interval: 500 }).toBe(200);
  });

  it("no secret reaches the api or worker logs", async () => {
    const logs = mustSucceed(await compose(t, ["logs", "--no-color", "api", "worker"]), "logs");
    // the values scripts/secrets.sh generated on this host
    for (const n of ["app_db_password", "valkey_password"]) {
      const value = readFileSync(join(repo, "infra/secrets", n), "utf8").trim();
      expect(value.length).toBeGreaterThan(8);
      expect(logs.stdout + logs.stderr).not.toContain(value);
    }
  });
});
