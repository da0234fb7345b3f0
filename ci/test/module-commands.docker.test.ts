// What the Dagger module runs, run here without an engine: the very argv arrays from
// ci/src/commands.ts, in this checkout. Only the Dagger plumbing around them (containers,
// mounts, the Docker-in-Dagger service) stays unexercised on machines without an engine.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { apexArgv, BUNDLE, LOAD_IMAGES, POLICY_ARGS } from "../src/commands.ts";
import { verifyArgv } from "../src/steps.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const tmp = mkdtempSync(join(tmpdir(), "apex-module-cmds-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function exec(argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

describe("the commands the module runs", () => {
  it("policy: `node bin/apex.mjs policy ...` writes json, md and sarif and exits 0 or 1", async () => {
    const out = join(tmp, "policy");
    const r = await exec(apexArgv(POLICY_ARGS, out));
    expect([0, 1], r.stderr).toContain(r.code);
    expect(readdirSync(out).sort()).toEqual(["report.json", "report.md", "report.sarif"]);
  });

  it("verify: the command line is accepted (the run itself is tested in commands/verify.docker.test.ts)", async () => {
    const r = await exec([...verifyArgv({}, join(tmp, "v")), "--help"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("--out");
  });

  it("load-images: the script the toolbox runs exists and answers a missing argument with usage (exit 2)", async () => {
    const r = await exec(LOAD_IMAGES);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage/);
  });

  it("bundle: the bundler script the image builds depend on is in the repository", () => {
    expect(BUNDLE[0]).toBe("node");
    expect(existsSync(join(ROOT, BUNDLE[1]))).toBe(true);
  });
});
