#!/usr/bin/env node
// npm run bench: times `apex verify` cold (no apex images; the base image is kept, as it
// is on any machine that ran setup once) and warm (images built), phase by phase, from
// the phase timings verify writes into its own report. Usage: npm run bench [-- --runs N]
import { spawnSync } from "node:child_process";
import { readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 1;
const sh = (cmd, args) => spawnSync(cmd, args, { encoding: "utf8" });

function removeApexImages() {
  const prefix = process.env.APEX_IMAGE_PREFIX ?? "apex";
  const ids = sh("docker", ["image", "ls", "--filter", `reference=${prefix}/*`, "-q"]).stdout.split("\n").filter(Boolean);
  if (ids.length) sh("docker", ["image", "rm", "-f", ...new Set(ids)]);
  // Both build caches: BuildKit's, and the classic builder's, which lives in untagged images.
  sh("docker", ["image", "prune", "-f"]);
  sh("docker", ["builder", "prune", "-af"]);
}

function verifyOnce(label) {
  const out = mkdtempSync(join(tmpdir(), `apex-bench-${label}-`));
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["bin/apex.mjs", "verify", "--out", out, "--format", "json"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
  process.stderr.write(`${label}: exit ${r.status}, ${(wallMs / 1000).toFixed(1)} s, ${report.summary.pass} passed / ${report.summary.fail} failed\n`);
  return { wallMs, status: report.status, phases: Object.fromEntries(report.phases.map((p) => [p.name, p.durationMs])) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = { cold: [], warm: [] };
for (let i = 0; i < runs; i++) {
  removeApexImages();
  results.cold.push(verifyOnce(`cold #${i + 1}`));
  results.warm.push(verifyOnce(`warm #${i + 1}`));
}

const phases = [...new Set([...results.cold, ...results.warm].flatMap((r) => Object.keys(r.phases)))];
const fmt = (ms) => (ms === undefined ? "—" : `${(ms / 1000).toFixed(1)} s`);
const col = (set, phase) => fmt(median(set.map((r) => r.phases[phase]).filter((x) => x !== undefined)));
const rows = [["phase", "cold", "warm"], ...phases.map((p) => [p, col(results.cold, p), col(results.warm, p)]),
  ["total (wall)", fmt(median(results.cold.map((r) => r.wallMs))), fmt(median(results.warm.map((r) => r.wallMs)))]];
console.log(`apex verify, median of ${runs} run(s) each; ${new Date().toISOString()}`);
console.log(`| ${rows[0].join(" | ")} |\n| --- | ---: | ---: |`);
for (const r of rows.slice(1)) console.log(`| ${r.join(" | ")} |`);
if ([...results.cold, ...results.warm].some((r) => r.status !== "pass")) process.exitCode = 1;
