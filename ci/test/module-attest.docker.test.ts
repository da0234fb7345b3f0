// The signing exec of `dagger call release`, run here without an engine: the very argv of
// ci/src/commands.ts (attestArgv: load the image tarballs, then `apex attest` the pushed
// references) against Debian's docker-registry on 127.0.0.1, with a key made by Debian's
// cosign and the registry login handed over in the environment as the module hands it.
// Only the Dagger plumbing (Secret mounts, the engine service) is not exercised: no Dagger
// engine can run on these machines. Two small stack images stand in for all six.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker, mustSucceed } from "../../src/docker.ts";
import { startRegistry, type TestRegistry } from "../../src/release/registry.ts";
import { generateKeyPair, verifyAttestations } from "../../src/release/attest/cosign.ts";
import { POSTURE_PREDICATE_TYPE } from "../../src/release/attest/predicate.ts";
import type { CheckResult, Report } from "../../src/types.ts";
import { attestArgv } from "../src/commands.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const SERVICES = ["memcached", "valkey"];
const id = randomBytes(3).toString("hex");
const tmp = mkdtempSync(join(tmpdir(), "apex-module-attest-"));
const KEY_PASSWORD = `key-${randomBytes(8).toString("hex")}`;
const REGISTRY_PASSWORD = `reg-${randomBytes(8).toString("hex")}`;
let reg: TestRegistry;
let keys: { key: string; pub: string };
let target = "";
const pushed: string[] = []; // what Dagger's publish returns: <registry>/<name>:<tag>@sha256:...
const ids: Record<string, string> = {};

interface Ran { code: number | null; stdout: string; stderr: string }
function exec(argv: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}
const secrets = { COSIGN_PASSWORD: KEY_PASSWORD, APEX_REGISTRY_USERNAME: "ci", APEX_REGISTRY_PASSWORD: REGISTRY_PASSWORD };

const check = (service: string, status: CheckResult["status"]): CheckResult => ({
  id: "runtime/cap-eff-zero", kind: "runtime", service, status, title: "CapEff is zero", evidence: [], refs: ["CIS 5.3"], severity: "high", message: "",
});
function savedReport(name: string, status: "pass" | "fail"): string {
  const now = new Date().toISOString();
  const r: Report = {
    schemaVersion: 1, tool: { name: "apex", version: "0.1.0" }, command: "verify", status, startedAt: now, finishedAt: now,
    composeFiles: ["infra/compose.yaml"], phases: [], git: { commit: "0123456789abcdef0123456789abcdef01234567", dirty: false },
    images: SERVICES.map((s) => ({ service: s, image: `apex/${s}:local`, id: ids[s] })),
    summary: { pass: 2, fail: status === "fail" ? 1 : 0, skip: 0, waived: 0 },
    checks: SERVICES.map((s, i) => check(s, status === "fail" && i === 0 ? "fail" : "pass")),
  };
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "report.json"), JSON.stringify(r));
  return join(dir, "report.json");
}

beforeAll(async () => {
  reg = await startRegistry(ROOT);
  target = `${reg.host}/apex-${id}`;
  keys = await generateKeyPair(tmp, KEY_PASSWORD);
  mkdirSync(join(tmp, "images"));
  for (const s of SERVICES) {
    const image = `apex/${s}:local`;
    ids[s] = mustSucceed(await docker(["image", "inspect", "--format", "{{.Id}}", image]), `${image} (build the stack images first)`).stdout.trim();
    mustSucceed(await docker(["save", "-o", join(tmp, "images", `${s}.tar`), image]), `docker save ${image}`);
    const tagRef = `${target}/${s}:v1`;
    mustSucceed(await docker(["tag", image, tagRef]), "docker tag");
    mustSucceed(await docker(["push", "--quiet", tagRef]), "docker push");
    const digests = JSON.parse(mustSucceed(await docker(["image", "inspect", "--format", "{{json .RepoDigests}}", tagRef]), "inspect").stdout) as string[];
    pushed.push(`${tagRef}@${digests.find((d) => d.startsWith(`${target}/${s}@`))!.split("@")[1]}`);
    await docker(["rmi", tagRef]);
  }
}, 180_000);

afterAll(async () => {
  await reg?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const argv = (report: string, refs = pushed) => attestArgv(refs, report, keys.key, join(tmp, "images"));

describe("dagger call release: the signing exec", () => {
  it("refuses a report in which a service failed: nothing signed", async () => {
    const r = await exec(argv(savedReport("fail", "fail")), secrets);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/apex attest: verify fail .*: nothing signed/);
    for (const ref of pushed) expect((await verifyAttestations(ref.replace(/:v1@/, "@"), POSTURE_PREDICATE_TYPE, keys.pub)).ok).toBe(false);
  }, 120_000);

  it("refuses a tag without a digest (exit 2, one line): only what the push returned is signed", async () => {
    const r = await exec(argv(savedReport("tag", "pass"), [`${target}/memcached:v1`]), secrets);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n").filter((l) => !l.startsWith("loaded "))).toEqual([expect.stringMatching(/is not REGISTRY\/NAME\[:TAG\]@sha256/)]);
  }, 120_000);

  it("loads the tarballs, attests every pushed digest (posture + SBOM), cosign verifies each, apex admit admits each; no secret printed", async () => {
    const r = await exec(argv(savedReport("pass", "pass")), secrets);
    expect(r.code, r.stderr).toBe(0);
    console.log(r.stderr.trim());
    const refs = pushed.map((p) => p.replace(/:v1@/, "@"));
    expect(r.stdout.trim().split("\n")).toEqual(refs);
    expect(`${r.stdout}${r.stderr}`).not.toContain(KEY_PASSWORD);
    expect(`${r.stdout}${r.stderr}`).not.toContain(REGISTRY_PASSWORD);
    for (const [i, ref] of refs.entries()) {
      const posture = await verifyAttestations(ref, POSTURE_PREDICATE_TYPE, keys.pub);
      expect(posture.ok && posture.statements.map((s) => (s.predicate as { service: string }).service)).toEqual([SERVICES[i]]);
      const sbom = await verifyAttestations(ref, "cyclonedx", keys.pub);
      expect(sbom.ok && JSON.stringify(sbom.statements[0]!.predicate)).toContain(`pkg:deb/debian/${SERVICES[i] === "valkey" ? "valkey-server" : "memcached"}@`);
      const admit = await exec(["node", "bin/apex.mjs", "admit", ref, "--key", keys.pub, "--max-age", "1d", "--service", SERVICES[i]!], {});
      expect(admit.code, admit.stdout).toBe(0);
    }
  }, 240_000);
});
