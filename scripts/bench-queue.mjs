#!/usr/bin/env node
// Benchmark (not a test): job queue throughput through the API and the worker, on a
// throwaway project of the real, hardened stack.
//   node scripts/bench-queue.mjs [--jobs 2000] [--parallel 32] [--workers 1] [--keep]
// Enqueues echo jobs with POST /jobs (N requests in flight), then waits until app.jobs
// says they all succeeded. Prints enqueue rate, end-to-end jobs/s and one JSON line.
import { $ } from "zx";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const jobs = Number(arg("--jobs", "2000"));
const parallel = Number(arg("--parallel", "32"));
const workers = Number(arg("--workers", "1"));
const keep = process.argv.includes("--keep");
const project = `apex-benchq-${Math.random().toString(36).slice(2, 8)}`;
const dc = ["compose", "-f", resolve(root, "infra/compose.yaml"), "-p", project];
$.quiet = true;
const log = (s) => process.stderr.write(`${s}\n`);

// A fresh project: every job in it is this run's.
const succeeded = async () =>
  Number(
    (
      await $({ input: `SELECT count(*) FROM app.jobs WHERE status IN ('succeeded', 'failed')` })`docker ${dc} exec -T postgres psql -X -q -At -d apex`
    ).stdout.trim(),
  );

// The operator caller's token, from the file the api reads its callers from.
const tokens = readFileSync(resolve(root, "infra/secrets/api_tokens"), "utf8");
const token = tokens.split("\n").map((l) => l.trim().split(/\s+/)).find(([name]) => name === "operator")?.[1];
if (!token) throw new Error("infra/secrets/api_tokens lists no operator caller: run scripts/secrets.sh");

try {
  log(`bench-queue: project ${project}, ${jobs} echo jobs, ${parallel} requests in flight, ${workers} worker(s)`);
  // The api's per-caller limit (100/s) is for callers, not for measuring the queue.
  await $({ env: { ...process.env, APEX_API_RATE_LIMIT: "100000" } })`docker ${dc} up -d --wait --scale worker=${workers}`;
  const port = (await $`docker ${dc} port api 8080`).stdout.trim().split(":").pop();
  const base = `http://127.0.0.1:${port}`;
  const post = async (i) => {
    const r = await fetch(`${base}/jobs`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ task: "echo", payload: { i } }),
    });
    if (r.status !== 202) throw new Error(`POST /jobs answered ${r.status}`);
    return (await r.json()).id;
  };
  await post(-1); // warm-up
  while ((await succeeded()) < 1) await new Promise((r) => setTimeout(r, 100));

  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < jobs) {
        next += 1;
        await post(next);
      }
    }),
  );
  const enqueueMs = performance.now() - t0;
  log(`  enqueued ${jobs} in ${(enqueueMs / 1000).toFixed(1)} s`);
  let done = 0;
  const deadline = Date.now() + 600_000;
  while ((done = (await succeeded()) - 1) < jobs && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const totalMs = performance.now() - t0;
  const figures = {
    jobs,
    completed: done,
    parallelRequests: parallel,
    workers,
    enqueueSeconds: +(enqueueMs / 1000).toFixed(2),
    enqueuePerSecond: +(jobs / (enqueueMs / 1000)).toFixed(1),
    endToEndSeconds: +(totalMs / 1000).toFixed(2),
    jobsPerSecond: +(done / (totalMs / 1000)).toFixed(1),
  };
  log(`queue: ${figures.jobsPerSecond} jobs/s end to end (${done}/${jobs} done in ${figures.endToEndSeconds} s); enqueue ${figures.enqueuePerSecond} req/s`);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
} finally {
  if (!keep) await $`docker ${dc} down -v -t 5`.nothrow();
}
