#!/usr/bin/env node
// npm run bench:hermetic: warm `apex verify` on this Docker host and warm `apex verify
// --hermetic` (the Dagger pipeline's topology with plain Docker), one after the other, and
// their ratio. Warm: the stack's images exist (both run --no-build, so no run rebuilds the
// shared apex/* images) and the ci images are in their content cache (a first hermetic run
// builds them; run with --runs 2 to see). Phases from each report; the hermetic steps from
// its progress lines. Usage: npm run bench:hermetic [-- --runs N] [-- --skip-workflows]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const arg = (name) => process.argv.includes(name);
const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 1;
const extra = ["--no-build", "--format", "json", ...(arg("--skip-workflows") ? ["--skip-workflows"] : [])];

function verifyOnce(label, flags) {
  const out = mkdtempSync(join(tmpdir(), `apex-bench-${label}-`));
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["bin/apex.mjs", "verify", ...flags, ...extra, "--out", out], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  let report;
  try {
    report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
  } catch {
    process.stderr.write(`${label}: no report (exit ${r.status}):\n${r.stderr.slice(-2000)}\n`);
    process.exit(2);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const steps = Object.fromEntries([...r.stderr.matchAll(/^hermetic: step ([a-z-]+): ([\d.]+)s$/gm)].map((m) => [m[1], Number(m[2]) * 1000]));
  process.stderr.write(`${label}: exit ${r.status}, ${(wallMs / 1000).toFixed(1)} s, ${report.summary.pass} passed / ${report.summary.fail} failed\n`);
  for (const c of report.checks.filter((c) => c.status === "fail")) process.stderr.write(`  FAIL ${c.service ?? "-"} ${c.id}: ${c.message}\n`);
  return { wallMs, status: report.status, phases: Object.fromEntries(report.phases.map((p) => [p.name, p.durationMs])), steps };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const host = [];
const herm = [];
for (let i = 0; i < runs; i++) {
  host.push(verifyOnce(`host #${i + 1}`, []));
  herm.push(verifyOnce(`hermetic #${i + 1}`, ["--hermetic"]));
}
const fmt = (ms) => (ms === undefined || Number.isNaN(ms) ? "—" : `${(ms / 1000).toFixed(1)} s`);
const col = (set, key, name) => fmt(median(set.map((r) => r[key][name]).filter((x) => x !== undefined)));
const phases = [...new Set([...host, ...herm].flatMap((r) => Object.keys(r.phases)))];
const steps = [...new Set(herm.flatMap((r) => Object.keys(r.steps)))];
const h = median(host.map((r) => r.wallMs));
const m = median(herm.map((r) => r.wallMs));
console.log(`apex verify ${extra.join(" ")}, warm, median of ${runs} run(s) each; ${new Date().toISOString()}`);
console.log("| phase (inner verify for hermetic) | host | hermetic |\n| --- | ---: | ---: |");
for (const p of phases) console.log(`| ${p} | ${col(host, "phases", p)} | ${col(herm, "phases", p)} |`);
for (const s of steps) console.log(`| hermetic step ${s} | — | ${col(herm, "steps", s)} |`);
console.log(`| total (wall) | ${fmt(h)} | ${fmt(m)} |`);
console.log(`hermetic / host = ${(m / h).toFixed(2)}`);
if ([...host, ...herm].some((r) => r.status !== "pass")) process.exitCode = 1;
