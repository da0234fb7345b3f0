// `apex release` against a real registry (Debian's docker-registry on 127.0.0.1):
// a passing verify pushes every image and the report, and pulling them back after
// `docker rmi` gives the same digests; a failing verify, or an image changed since
// verify, pushes nothing (the registry catalog stays empty).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker, mustSucceed } from "../docker.ts";
import type { Report } from "../types.ts";
import { publish } from "./publish.ts";
import { startRegistry, type TestRegistry } from "./registry.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const id = randomBytes(3).toString("hex");
const prefix = `apexrel${id}`;
const tmp = mkdtempSync(join(tmpdir(), "apex-release-"));
const registries: TestRegistry[] = [];
const cleanupImages = new Set<string>();

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}
function apex(args: string[]): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ["bin/apex.mjs", ...args], { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

/** A tiny compose project whose services build real (small) images from Dockerfiles. */
function project(name: string, dockerfiles: Record<string, string>): string {
  const dir = join(tmp, name);
  let yaml = "services:\n";
  for (const [svc, text] of Object.entries(dockerfiles)) {
    mkdirSync(join(dir, svc), { recursive: true });
    writeFileSync(join(dir, svc, "Dockerfile"), text);
    const image = `${prefix}/${svc}:local`;
    cleanupImages.add(image);
    yaml += `  ${svc}:\n    image: ${image}\n    build:\n      context: ./${svc}\n`;
  }
  writeFileSync(join(dir, "compose.yaml"), yaml);
  return join(dir, "compose.yaml");
}

function savedReport(name: string, status: "pass" | "fail", extra: Partial<Report> = {}): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const report: Report = {
    schemaVersion: 1,
    tool: { name: "apex", version: "0.1.0" },
    command: "verify",
    status,
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    composeFiles: [],
    phases: [],
    summary: { pass: 1, fail: status === "fail" ? 1 : 0, skip: 0, waived: 0 },
    checks: [],
    ...extra,
  };
  writeFileSync(join(dir, "report.json"), JSON.stringify(report, null, 2));
  writeFileSync(join(dir, "report.md"), `# apex verify: ${status} (${id})\n`);
  return join(dir, "report.json");
}

const good = project("good", {
  one: `FROM debian:trixie-slim\nLABEL apex.test=${id}-one\n`,
  two: `FROM debian:trixie-slim\nLABEL apex.test=${id}-two\nUSER 1000:1000\n`,
});
const exemptions = join(tmp, "exemptions.yaml");
writeFileSync(exemptions, "exemptions: []\n");

beforeAll(async () => {
  mustSucceed(await docker(["compose", "-f", good, "build"]), "building the test images");
});

afterAll(async () => {
  for (const r of registries) await r.stop();
  const local = await docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"]);
  const ours = local.stdout.split("\n").filter((l) => l.startsWith(`${prefix}/`) || l.includes(`/apex-${id}/`));
  const digests = await docker(["image", "ls", "--digests", "--format", "{{.Repository}}@{{.Digest}}"]);
  const byDigest = digests.stdout.split("\n").filter((l) => l.includes(`/apex-${id}/`) && !l.endsWith("@<none>"));
  if (ours.length + byDigest.length) await docker(["rmi", "-f", ...ours, ...byDigest, ...cleanupImages]);
  rmSync(tmp, { recursive: true, force: true });
});

async function registry(): Promise<TestRegistry> {
  const r = await startRegistry(ROOT);
  registries.push(r);
  return r;
}

describe("apex release", () => {
  it("pushes every image and the report; pulled back after rmi they have the same digests", async () => {
    const reg = await registry();
    const target = `${reg.host}/apex-${id}`;
    const saved = savedReport("pass-report", "pass");
    const r = await apex(["release", "--registry", target, "--tag", "t1", "-f", good, "--skip-verify-from", saved]);
    expect(r.code, r.stderr).toBe(0);

    const refs = r.stdout.trim().split("\n");
    expect(refs.map((l) => l.split("@")[0])).toEqual([`${target}/one`, `${target}/two`, `${target}/report`]);
    for (const ref of refs) expect(ref).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect((await reg.catalog()).sort()).toEqual([`apex-${id}/one`, `apex-${id}/report`, `apex-${id}/two`]);

    // The registry serves exactly the digests release printed.
    for (const ref of refs) {
      const name = ref.split("@")[0].slice(reg.host.length + 1);
      expect(await reg.manifestDigest(name, "t1")).toBe(ref.split("@")[1]);
    }

    // Remove every local copy, pull by digest, and compare.
    for (const ref of refs) {
      const repo = ref.split("@")[0];
      mustSucceed(await docker(["rmi", `${repo}:t1`]), `docker rmi ${repo}:t1`);
      expect((await docker(["image", "inspect", ref])).exitCode).not.toBe(0);
      mustSucceed(await docker(["pull", ref]), `docker pull ${ref}`);
      const pulled = await docker(["image", "inspect", "--format", "{{json .RepoDigests}}", ref]);
      expect(JSON.parse(pulled.stdout)).toContain(ref);
    }
    // The pulled service images are the local ones (same image id).
    for (const [svc, ref] of [["one", refs[0]], ["two", refs[1]]]) {
      const local = await docker(["image", "inspect", "--format", "{{.Id}}", `${prefix}/${svc}:local`]);
      const pulled = await docker(["image", "inspect", "--format", "{{.Id}}", ref]);
      expect(pulled.stdout.trim()).toBe(local.stdout.trim());
    }

    // The report image holds the report files under /report, labelled.
    const labels = await docker(["image", "inspect", "--format", "{{json .Config.Labels}}", refs[2]]);
    expect(JSON.parse(labels.stdout)).toMatchObject({ "org.opencontainers.image.title": "apex verification report", "io.apex.report.status": "pass" });
    const ctr = mustSucceed(await docker(["create", refs[2], "none"]), "docker create report").stdout.trim();
    try {
      const out = join(tmp, "pulled-report");
      mustSucceed(await docker(["cp", `${ctr}:/report`, out]), "docker cp /report");
      expect(readFileSync(join(out, "report.json"), "utf8")).toBe(readFileSync(saved, "utf8"));
      expect(readFileSync(join(out, "report.md"), "utf8")).toContain(id);
    } finally {
      await docker(["rm", "-f", ctr]);
    }
  });

  it("publish() on its own: pushes the given images and a report dir, returns what the registry serves", async () => {
    const reg = await registry();
    const target = `${reg.host}/apex-${id}`;
    const reportDir = join(tmp, "direct-report");
    mkdirSync(reportDir);
    writeFileSync(join(reportDir, "report.json"), "{}\n");
    const out = await publish({ registry: target, tag: "direct", images: [{ name: "one", image: `${prefix}/one:local` }], reportDir, reportStatus: "pass" });
    expect(out.map((p) => [p.name, p.tag])).toEqual([["one", `${target}/one:direct`], ["report", `${target}/report:direct`]]);
    for (const p of out) {
      const name = p.tag.slice(reg.host.length + 1, p.tag.lastIndexOf(":"));
      expect(p.reference).toBe(`${target}/${p.name}@${await reg.manifestDigest(name, "direct")}`);
    }
  });

  it("pushes nothing when verify fails (a real verify whose build fails fast)", async () => {
    const reg = await registry();
    const bad = project("bad", { broken: "FROM debian:trixie-slim\nRUN exit 3\n" });
    const out = join(tmp, "bad-report");
    const r = await apex(["release", "--registry", `${reg.host}/apex-${id}`, "--tag", "t1", "-f", bad, "--exemptions", exemptions, "--out", out]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/verify fail .*nothing pushed/);
    expect(r.stdout).toBe("");
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as Report;
    expect(report.status).toBe("fail");
    expect(report.checks.some((c) => c.status === "fail" && /build/i.test(c.id))).toBe(true);
    expect(await reg.catalog()).toEqual([]);
  });

  it("pushes nothing for a saved failing report, nor when an image changed since verify", async () => {
    const reg = await registry();
    const target = `${reg.host}/apex-${id}`;
    const failed = await apex(["release", "--registry", target, "--tag", "t2", "-f", good, "--skip-verify-from", savedReport("fail-report", "fail")]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/nothing pushed/);

    const stale = savedReport("stale-report", "pass", {
      images: [{ service: "one", image: `${prefix}/one:local`, id: `sha256:${"0".repeat(64)}` }],
    });
    const changed = await apex(["release", "--registry", target, "--tag", "t2", "-f", good, "--skip-verify-from", stale]);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(new RegExp(`changed since verify: ${prefix}/one:local`));
    expect(await reg.catalog()).toEqual([]);
  });

  it("rejects a malformed registry with a one-line usage error (exit 2)", async () => {
    const r = await apex(["release", "--registry", "https://example.org/apex", "--tag", "t1", "-f", good]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
