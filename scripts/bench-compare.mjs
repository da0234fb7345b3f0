#!/usr/bin/env node
// npm run bench:compare -- --against DIR: `apex policy` (median of --policy-runs, default 5)
// and warm `apex verify` (median of --verify-runs, default 1, after one untimed run that
// builds the images) in this checkout and in another one (e.g. a worktree of an older
// commit), interleaved in one run so that both see the same machine. Each checkout builds
// its own image tag, so neither run rebuilds the other's images.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const against = arg("--against");
if (!against) {
  process.stderr.write("usage: npm run bench:compare -- --against DIR [--policy-runs N] [--verify-runs N]\n");
  process.exit(2);
}
const policyRuns = Number(arg("--policy-runs", "5"));
const verifyRuns = Number(arg("--verify-runs", "1"));
const trees = [
  { label: "against", dir: resolve(against), tag: "bench-against" },
  { label: "this", dir: resolve("."), tag: "bench-this" },
];

function timed(tree, args) {
  const out = mkdtempSync(join(tmpdir(), `apex-bench-${tree.label}-`));
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["bin/apex.mjs", ...args, "--out", out, "--format", "json"], {
    cwd: tree.dir, encoding: "utf8", env: { ...process.env, APEX_TAG: tree.tag, APEX_API_PORT: "" }, stdio: ["ignore", "pipe", "pipe"],
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
  process.stderr.write(`${tree.label} ${args[0]}: exit ${r.status}, ${(ms / 1000).toFixed(2)} s, ${report.summary.pass} passed / ${report.summary.fail} failed\n`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const res = Object.fromEntries(trees.map((t) => [t.label, { policy: [], verify: [] }]));
for (const t of trees) timed(t, ["verify"]); // builds this tree's images: what follows is warm
for (let i = 0; i < policyRuns; i++) for (const t of trees) res[t.label].policy.push(timed(t, ["policy"]));
for (let i = 0; i < verifyRuns; i++) for (const t of trees) res[t.label].verify.push(timed(t, ["verify"]));

const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`apex policy (median of ${policyRuns}) and warm apex verify (median of ${verifyRuns}); ${new Date().toISOString()}`);
console.log("| command | against | this | this / against |\n| --- | ---: | ---: | ---: |");
for (const cmd of ["policy", "verify"]) {
  const a = median(res.against[cmd]);
  const b = median(res.this[cmd]);
  console.log(`| apex ${cmd} | ${s(a)} | ${s(b)} | ${(b / a).toFixed(2)} |`);
}
