#!/usr/bin/env -S npx tsx
// Benchmark (not a test): what signing adds to a release. In one run, on the same images and
// the same registry (Debian's docker-registry on 127.0.0.1, fresh repositories for each so both
// upload every layer), `apex release` without a key, then with `--sign-key`: wall time of each,
// and per image the SBOM and signing times release reports.
//   npm run bench:release [-- --report report/report.json]
// Without --report it first runs `apex verify` (release needs a passing report of these images).
import { spawnSync } from "node:child_process";
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

function apex(args: string[], env: NodeJS.ProcessEnv = {}) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["bin/apex.mjs", ...args], { cwd: root, encoding: "utf8", env: { ...process.env, ...env } });
  return { ms: performance.now() - t0, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const registry = await startRegistry(root);
try {
  let report = arg("--report");
  if (!report) {
    log("bench-release: apex verify (release needs a passing report of these images) ...");
    const v = apex(["verify", "--out", join(tmp, "report"), "--format", "json"]);
    if (v.code !== 0) throw new Error(`apex verify exited ${v.code}: ${v.stderr.trim().split("\n").pop()}`);
    report = join(tmp, "report", "report.json");
  }
  const keys = await generateKeyPair(tmp, PASSWORD);
  const release = (path: string, extra: string[]) => {
    const r = apex(["release", "--skip-verify-from", report!, "--registry", `${registry.host}/${path}`, "--tag", "bench", "--out", join(tmp, path), ...extra], { COSIGN_PASSWORD: PASSWORD });
    if (r.code !== 0) throw new Error(`apex release exited ${r.code}: ${r.stderr.trim().split("\n").pop()}`);
    return r;
  };
  log("apex release (no key) ...");
  const plain = release("plain", []);
  log(`  ${(plain.ms / 1000).toFixed(1)} s`);
  log("apex release --sign-key ...");
  const signed = release("signed", ["--sign-key", keys.key]);
  log(`  ${(signed.ms / 1000).toFixed(1)} s`);

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
  log(`\nrelease without signing ${(plain.ms / 1000).toFixed(1)} s, with ${(signed.ms / 1000).toFixed(1)} s: signing adds ${(added / 1000).toFixed(1)} s (×${(signed.ms / plain.ms).toFixed(2)})`);
  process.stdout.write(`${JSON.stringify({ releaseMs: Math.round(plain.ms), signedReleaseMs: Math.round(signed.ms), addedMs: Math.round(added), sbomMs: sum("sbomMs"), signMs: sum("signMs"), perImage })}\n`);
} finally {
  await registry.stop();
  rmSync(tmp, { recursive: true, force: true });
}
