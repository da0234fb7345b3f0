#!/usr/bin/env -S npx tsx
// Benchmark (not a test): what signing adds to a release. In one run, on the same images,
// `apex release` without a key and with `--sign-key`, alternating, each into a fresh
// registry of its own (Debian's docker-registry on 127.0.0.1: every layer is uploaded each
// time, none mounted from an earlier push): medians of the wall times, and per image the SBOM
// and signing times release reports.
//   npm run bench:release [-- --runs 3] [--report report/report.json]
// Without --report it first runs `apex verify` (release needs a passing report of these images).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateKeyPair } from "../src/release/attest/cosign.ts";
import { startRegistry } from "../src/release/registry.ts";

const root = resolve(import.meta.dirname, "..");
const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const log = (s: string) => process.stderr.write(`${s}\n`);
const tmp = mkdtempSync(join(tmpdir(), "apex-bench-release-"));
const PASSWORD = "bench-only";

// Asynchronous on purpose: the registry is a child of this process whose log pipe must be
// drained while release runs (a blocked event loop stalls the registry once the pipe fills).
function apex(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ ms: number; code: number | null; stdout: string; stderr: string }> {
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, ["bin/apex.mjs", ...args], { cwd: root, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => done({ ms: performance.now() - t0, code, stdout, stderr }));
  });
}

const runs = Number(arg("--runs") ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
try {
  let report = arg("--report");
  if (!report) {
    log("bench-release: apex verify (release needs a passing report of these images) ...");
    const v = await apex(["verify", "--out", join(tmp, "report"), "--format", "json"]);
    if (v.code !== 0) throw new Error(`apex verify exited ${v.code}: ${v.stderr.trim().split("\n").pop()}`);
    report = join(tmp, "report", "report.json");
  }
  const keys = await generateKeyPair(tmp, PASSWORD);
  const release = async (label: string, extra: string[]) => {
    const registry = await startRegistry(root);
    try {
      const r = await apex(["release", "--skip-verify-from", report!, "--registry", `${registry.host}/apex`, "--tag", "bench", "--out", join(tmp, label), ...extra], { COSIGN_PASSWORD: PASSWORD });
      if (r.code !== 0) throw new Error(`apex release exited ${r.code}: ${r.stderr.trim().split("\n").pop()}`);
      log(`  ${label}: ${(r.ms / 1000).toFixed(1)} s`);
      return r;
    } finally {
      await registry.stop();
    }
  };
  const plainMs: number[] = [];
  const signedRuns: Awaited<ReturnType<typeof release>>[] = [];
  for (let i = 1; i <= runs; i++) {
    log(`run ${i}/${runs}: apex release, then apex release --sign-key`);
    plainMs.push((await release(`plain-${i}`, [])).ms);
    signedRuns.push(await release(`signed-${i}`, ["--sign-key", keys.key]));
  }
  const plain = { ms: median(plainMs) };
  const signed = [...signedRuns].sort((a, b) => a.ms - b.ms)[Math.floor(runs / 2)]!; // the median run, per image as it reported

  const perImage = [...signed.stderr.matchAll(/attested (\S+) \(([^)]*)\): sbom (\d+) ms, signing (\d+) ms/g)].map((m) => ({
    image: m[1]!.split("/").pop()!.split("@")[0]!,
    services: m[2]!,
    sbomMs: Number(m[3]),
    signMs: Number(m[4]),
  }));
  const sum = (k: "sbomMs" | "signMs") => perImage.reduce((a, i) => a + i[k], 0);
  log("\n| image | services | SBOM ms | signing ms |\n| --- | --- | ---: | ---: |");
  for (const i of perImage) log(`| ${i.image} | ${i.services} | ${i.sbomMs} | ${i.signMs} |`);
  log(`| total | | ${sum("sbomMs")} | ${sum("signMs")} |`);
  const added = signed.ms - plain.ms;
  log(`\nmedian of ${runs}: release without signing ${(plain.ms / 1000).toFixed(1)} s, with ${(signed.ms / 1000).toFixed(1)} s: signing adds ${(added / 1000).toFixed(1)} s (×${(signed.ms / plain.ms).toFixed(2)}); per image above from the median signed run`);
  process.stdout.write(`${JSON.stringify({ runs, releaseMsEach: plainMs.map(Math.round), signedReleaseMsEach: signedRuns.map((r) => Math.round(r.ms)), releaseMs: Math.round(plain.ms), signedReleaseMs: Math.round(signed.ms), addedMs: Math.round(added), sbomMs: sum("sbomMs"), signMs: sum("signMs"), perImage })}\n`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
