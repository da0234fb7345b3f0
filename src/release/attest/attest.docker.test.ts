// Signed posture attestations end to end, against Debian's docker-registry on 127.0.0.1 and
// Debian's cosign with generated keys: `apex release --sign-key` attests every pushed digest
// (posture per service + CycloneDX SBOM), and `apex admit` accepts exactly that, refusing,
// each with its reason: no attestation, an attestation moved to another digest, the wrong
// key, a too-old verify, a failed service (signed on purpose here), a tampered predicate.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker, mustSucceed } from "../../docker.ts";
import type { CheckResult, Report } from "../../types.ts";
import { startRegistry, type TestRegistry } from "../registry.ts";
import { attest, generateKeyPair, verifyAttestations } from "./cosign.ts";
import { POSTURE_PREDICATE_TYPE, posturePredicate } from "./predicate.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const id = randomBytes(3).toString("hex");
const prefix = `apexatt${id}`;
const tmp = mkdtempSync(join(tmpdir(), "apex-attest-"));
const PASSWORD = `pw-${randomBytes(8).toString("hex")}`;
let reg: TestRegistry;
let keys: { key: string; pub: string };
let wrong: { key: string; pub: string };
let target = "";
let refs: string[] = [];
const pushedRefs = new Set<string>();

interface Ran { code: number | null; stdout: string; stderr: string }
function apex(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ["bin/apex.mjs", ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

const check = (cid: string, service: string, status: CheckResult["status"]): CheckResult => ({
  id: cid, kind: "runtime", service, status, title: cid, evidence: [], refs: ["CIS 5.3"], severity: "high", message: "",
});
function report(status: "pass" | "fail", finishedAt = new Date().toISOString()): Report {
  return {
    schemaVersion: 1, tool: { name: "apex", version: "0.1.0" }, command: "verify", status,
    startedAt: finishedAt, finishedAt, composeFiles: [], phases: [],
    git: { commit: "0123456789abcdef0123456789abcdef01234567", dirty: false },
    summary: { pass: 2, fail: status === "fail" ? 1 : 0, skip: 0, waived: 0 },
    checks: [check("runtime/cap-eff-zero", "one", status), check("runtime/cap-eff-zero", "two", "pass")],
  };
}
function saved(name: string, r: Report): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "report.json"), JSON.stringify(r, null, 2));
  return join(dir, "report.json");
}

/** Pushes a fresh small image to <target>/<repo>:<tag>; returns repo@digest (from the push). */
async function pushFresh(repo: string, tag: string): Promise<string> {
  const ref = `${target}/${repo}:${tag}`;
  mustSucceed(await docker(["build", "-q", "-t", ref, "-"], { input: `FROM debian:trixie-slim\nLABEL apex.test=${id}-${tag}\n` }), "docker build");
  mustSucceed(await docker(["push", ref]), "docker push");
  const digests = JSON.parse(mustSucceed(await docker(["image", "inspect", "--format", "{{json .RepoDigests}}", ref]), "inspect").stdout) as string[];
  pushedRefs.add(ref);
  return digests.find((d) => d.startsWith(`${target}/${repo}@`))!;
}

/** A test-only signer: any predicate, even a failing one, with the release's key. */
async function signPosture(ref: string, r: Report, service = "one"): Promise<void> {
  const at = ref.lastIndexOf("@");
  const p = posturePredicate({ report: r, reportText: JSON.stringify(r), service, repository: ref.slice(0, at), digest: ref.slice(at + 1) });
  const file = join(tmp, `pred-${randomBytes(3).toString("hex")}.json`);
  writeFileSync(file, JSON.stringify(p));
  await attest(ref, POSTURE_PREDICATE_TYPE, file, { key: keys.key, password: PASSWORD });
}

// Registry API, for moving and tampering with what cosign stored (tag sha256-<hex>.att).
const OCI = "application/vnd.oci.image.manifest.v1+json";
const api = (path: string) => `http://${reg.host}/v2/${path}`;
const attTag = (digest: string) => `${digest.replace(":", "-")}.att`;
async function getManifest(repo: string, tag: string): Promise<string> {
  const r = await fetch(api(`${repo}/manifests/${tag}`), { headers: { Accept: OCI } });
  expect(r.status).toBe(200);
  return r.text();
}
async function putManifest(repo: string, tag: string, body: string): Promise<void> {
  const r = await fetch(api(`${repo}/manifests/${tag}`), { method: "PUT", headers: { "Content-Type": OCI }, body });
  expect(r.status, await r.text()).toBe(201);
}
async function putBlob(repo: string, data: Buffer): Promise<string> {
  const digest = `sha256:${createHash("sha256").update(data).digest("hex")}`;
  const start = await fetch(api(`${repo}/blobs/uploads/`), { method: "POST" });
  const loc = new URL(start.headers.get("location")!, `http://${reg.host}`);
  loc.searchParams.set("digest", digest);
  const put = await fetch(loc, { method: "PUT", headers: { "Content-Type": "application/octet-stream" }, body: new Uint8Array(data) });
  expect(put.status).toBe(201);
  return digest;
}

beforeAll(async () => {
  reg = await startRegistry(ROOT);
  target = `${reg.host}/apex-${id}`;
  mkdirSync(join(tmp, "k1"));
  mkdirSync(join(tmp, "k2"));
  keys = await generateKeyPair(join(tmp, "k1"), PASSWORD);
  wrong = await generateKeyPair(join(tmp, "k2"), "other");
  const dir = join(tmp, "proj");
  let yaml = "services:\n";
  for (const svc of ["one", "two"]) {
    mkdirSync(join(dir, svc), { recursive: true });
    writeFileSync(join(dir, svc, "Dockerfile"), `FROM debian:trixie-slim\nLABEL apex.test=${id}-${svc}\n`);
    yaml += `  ${svc}:\n    image: ${prefix}/${svc}:local\n    build:\n      context: ./${svc}\n`;
  }
  writeFileSync(join(dir, "compose.yaml"), yaml);
  mustSucceed(await docker(["compose", "-f", join(dir, "compose.yaml"), "build"]), "building the test images");
});

afterAll(async () => {
  await reg?.stop();
  const ls = await docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"]);
  const ours = ls.stdout.split("\n").filter((l) => l.startsWith(`${prefix}/`) || l.includes(`/apex-${id}/`));
  if (ours.length) await docker(["rmi", "-f", ...ours]);
  rmSync(tmp, { recursive: true, force: true });
});

const compose = () => join(tmp, "proj", "compose.yaml");

describe("release --sign-key", () => {
  it("refuses to sign anything when verify failed: nothing pushed, nothing signed", async () => {
    const r = await apex(["release", "--registry", target, "--tag", "bad", "-f", compose(), "--skip-verify-from", saved("fail", report("fail")), "--sign-key", keys.key], { COSIGN_PASSWORD: PASSWORD });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nothing pushed, nothing signed/);
    expect(await reg.catalog()).toEqual([]);
  });

  it("refuses to start without COSIGN_PASSWORD (exit 2, one line naming the key)", async () => {
    const env = { ...process.env };
    delete env.COSIGN_PASSWORD;
    const child = await new Promise<Ran>((done) => {
      const c = spawn(process.execPath, ["bin/apex.mjs", "release", "--registry", target, "--tag", "x", "-f", compose(), "--skip-verify-from", saved("p0", report("pass")), "--sign-key", keys.key], { cwd: ROOT, env });
      let stderr = "";
      c.stderr.on("data", (d) => (stderr += d));
      c.on("close", (code) => done({ code, stdout: "", stderr }));
    });
    expect(child.code).toBe(2);
    expect(child.stderr.trim().split("\n")).toEqual([expect.stringMatching(/cosign\.key: COSIGN_PASSWORD is not set/)]);
  });

  it("attests every pushed digest with a posture predicate and a CycloneDX SBOM; the password is never printed", async () => {
    const r = await apex(["release", "--registry", target, "--tag", "t1", "-f", compose(), "--skip-verify-from", saved("pass", report("pass")), "--sign-key", keys.key], { COSIGN_PASSWORD: PASSWORD });
    expect(r.code, r.stderr).toBe(0);
    console.log(r.stderr.trim());
    refs = r.stdout.trim().split("\n");
    expect(refs).toHaveLength(3);
    expect(r.stderr).toMatch(/attested 2 \(posture \+ SBOM\) in \d+ ms/);
    expect(`${r.stdout}${r.stderr}`).not.toContain(PASSWORD);
    for (const [ref, svc] of [[refs[0], "one"], [refs[1], "two"]]) {
      expect(await reg.manifestDigest(`apex-${id}/${svc}`, "t1")).toBe(ref.split("@")[1]);
      const posture = await verifyAttestations(ref, POSTURE_PREDICATE_TYPE, keys.pub);
      expect(posture.ok).toBe(true);
      if (!posture.ok) return;
      expect(posture.statements.map((s) => (s.predicate as { service: string }).service)).toEqual([svc]);
      expect(posture.statements[0].subject[0].digest.sha256).toBe(ref.split("@sha256:")[1]);
      const sbom = await verifyAttestations(ref, "cyclonedx", keys.pub);
      expect(sbom.ok && (sbom.statements[0].predicate as { specVersion: string }).specVersion).toBe("1.6");
      expect(sbom.ok && JSON.stringify(sbom.statements[0].predicate)).toContain("pkg:deb/debian/libc6@");
    }
  });
});

describe("apex admit", () => {
  it("admits a released digest (text and json), for its service and by default", async () => {
    const ok = await apex(["admit", refs[0], "--key", keys.pub, "--max-age", "7d"]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toBe(`admit: ${refs[0]} (verified: one)\n`);
    const json = await apex(["admit", refs[1], "--key", keys.pub, "--service", "two", "--format", "json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ admit: true, services: ["two"], reasons: [] });
    const other = await apex(["admit", refs[1], "--key", keys.pub, "--service", "one"]);
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/^refuse: no posture attestation for service one \(attested: two\)$/m);
  });

  it("refuses a digest with no attestation", async () => {
    const bare = await pushFresh("one", "bare");
    const r = await apex(["admit", bare, "--key", keys.pub]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^refuse: no posture attestation verified by .*cosign\.pub: .*no (matching )?(attestations|signatures)/im);
  });

  it("refuses an image re-tagged to another digest, even carrying the released attestation", async () => {
    const moved = await pushFresh("one", "t1"); // the release's tag now names another image
    expect(moved).not.toBe(refs[0]);
    const movedDigest = moved.split("@")[1];
    await putManifest(`apex-${id}/one`, attTag(movedDigest), await getManifest(`apex-${id}/one`, attTag(refs[0].split("@")[1])));
    const r = await apex(["admit", moved, "--key", keys.pub]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`refuse: .*(not ${movedDigest}|no matching attestations)`));
  });

  it("refuses the wrong public key", async () => {
    const r = await apex(["admit", refs[0], "--key", wrong.pub]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^refuse: no posture attestation verified by .*k2\/cosign\.pub/m);
  });

  it("refuses an attestation older than --max-age (and admits it without one)", async () => {
    const old = await pushFresh("two", "old");
    await signPosture(old, report("pass", new Date(Date.now() - 10 * 86400e3).toISOString()));
    const r = await apex(["admit", old, "--key", keys.pub, "--max-age", "7d"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^refuse: service one: verified .*, 240h ago, older than --max-age$/m);
    expect((await apex(["admit", old, "--key", keys.pub])).code).toBe(0);
  });

  it("refuses a report in which that service failed (signed on purpose by the test)", async () => {
    const failed = await pushFresh("two", "failed");
    await signPosture(failed, report("fail"));
    const r = await apex(["admit", failed, "--key", keys.pub, "--service", "one"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("refuse: service one: the verified report's status is fail");
    expect(r.stdout).toContain("refuse: service one: failing check(s): runtime/cap-eff-zero");
  });

  it("refuses a tampered predicate (payload changed after signing)", async () => {
    const ref = await pushFresh("two", "tamper");
    await signPosture(ref, report("pass"));
    const repo = `apex-${id}/two`;
    const tag = attTag(ref.split("@")[1]);
    const manifest = JSON.parse(await getManifest(repo, tag)) as { layers: { digest: string; size: number }[] };
    const layer = manifest.layers[0];
    const envelope = JSON.parse(await (await fetch(api(`${repo}/blobs/${layer.digest}`))).text()) as { payload: string };
    const statement = JSON.parse(Buffer.from(envelope.payload, "base64").toString());
    statement.predicate.verifiedAt = new Date(Date.now() + 86400e3).toISOString(); // a "fresher" verify
    envelope.payload = Buffer.from(JSON.stringify(statement)).toString("base64");
    const data = Buffer.from(JSON.stringify(envelope));
    layer.digest = await putBlob(repo, data);
    layer.size = data.length;
    await putManifest(repo, tag, JSON.stringify(manifest));
    const r = await apex(["admit", ref, "--key", keys.pub]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^refuse: no posture attestation verified by .*: .*(signature|verif|digest)/im);
  });

  it("refuses bad input with one line and exit 2: a tag, a missing key, a bad --max-age", async () => {
    for (const args of [[`${target}/one:t1`, "--key", keys.pub], [refs[0], "--key", join(tmp, "none.pub")], [refs[0], "--key", keys.pub, "--max-age", "week"]]) {
      const r = await apex(["admit", ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
