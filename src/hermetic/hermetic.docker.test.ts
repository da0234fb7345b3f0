// `apex verify --hermetic` run for real, once: our engine and toolbox images, the stack's
// images loaded into a fresh engine, verify inside, the report copied out, and nothing of
// the run (containers, network, volume, ci images, its run directory) left afterwards.
// The report names the commit, the engine's privileges, chosen on this host (which refuses
// --privileged: the measured set), and its storage (tmpfs by default here, the volume in the
// parity run), and the steps ran in ci/src/steps.ts's order.
// Parity: one override breaking valkey statically and memcached only at run time fails a
// host-mode run and a hermetic run with the same (check, service) pairs.
// Then runs interrupted with SIGTERM and SIGINT as soon as their engine exists: each
// removes everything and exits 143 / 130.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { leftovers } from "./engine.ts";
import { engineStorage } from "./storage.ts";
import { topology } from "./topology.ts";
import { VERIFY_STEPS } from "../../ci/src/steps.ts";
import { docker } from "../docker.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const out = mkdtempSync(join(tmpdir(), "apex-hermetic-report-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function apex(args: string[], onStderr?: (all: string, child: ReturnType<typeof spawn>) => void) {
  return new Promise<{ code: number | null; stderr: string; ms: number }>((done) => {
    const started = Date.now();
    // node itself, not npx: a signal must reach apex, not an npm wrapper that drops it
    const child = spawn(process.execPath, [join(ROOT, "bin/apex.mjs"), ...args], { cwd: ROOT });
    let stderr = "";
    child.stdout.resume();
    child.stderr.on("data", (d) => {
      stderr += d;
      onStderr?.(stderr, child);
    });
    child.on("close", (code) => done({ code, stderr, ms: Date.now() - started }));
  });
}
const PARITY = "src/hermetic/testdata/parity-override.yaml";
const failing = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, "report.json"), "utf8")).checks as Array<{ id: string; service: string | null; status: string }>)
    .filter((c) => c.status === "fail").map((c) => `${c.id} ${c.service}`).sort();
const runId = (stderr: string) => /hermetic: run ([0-9a-f]{6})/.exec(stderr)?.[1];

describe("apex verify --hermetic", () => {
  it("verifies the stack inside a fresh engine, copies the report out and leaves nothing behind", async () => {
    const r = await apex(["verify", "--hermetic", "--no-build", "--format", "json,md", "--out", out]);
    console.log(`hermetic verify: exit ${r.code} in ${(r.ms / 1000).toFixed(0)}s\n${r.stderr.split("\n").filter((l) => /hermetic:|apex verify:/.test(l)).join("\n")}`);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    // the intact stack passes inside the engine as it does on the host
    expect(failing(out), r.stderr.slice(-2000)).toEqual([]);
    expect(r.code).toBe(0);
    expect(report.command).toBe("verify");
    expect(report.status).toBe("pass");
    // the workspace's commit reached the report from inside the toolbox (a worktree's .git
    // is a pointer to the common git dir, mounted read-only beside the workspace)
    expect(report.git.commit).toBe(execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim());
    // this host refuses --privileged (no CAP_SYS_RESOURCE): the run says so and falls back
    expect(r.stderr).toMatch(/hermetic: engine: this host refuses privileged \(unable to apply caps/);
    expect(r.stderr).toMatch(/hermetic: engine: privileges measured-set/);
    // the engine's /var/lib/docker where this machine's memory puts it by default (a tmpfs here)
    const storage = engineStorage(undefined).kind;
    expect(report.environment).toEqual({ engine: { topology: "hermetic", privileges: "measured-set", storage } });
    expect(r.stderr).toMatch(storage === "tmpfs" ? /\/var\/lib\/docker on a tmpfs of at most \d+ MiB/ : /\/var\/lib\/docker on volume apex-hermetic-/);
    // the steps of ci/src/steps.ts, in their order (the Dagger side: ci/test/steps.test.ts)
    expect([...r.stderr.matchAll(/^hermetic: step ([a-z-]+)$/gm)].map((m) => m[1])).toEqual([...VERIFY_STEPS]);
    // it ran the stack: every service came up inside the engine and was probed
    expect(report.checks.some((c: { id: string; status: string }) => c.id === "stack/healthy" && c.status === "pass")).toBe(true);
    expect(report.checks.some((c: { id: string }) => c.id.startsWith("runtime/"))).toBe(true);
    const id = runId(r.stderr)!;
    expect(id).toBeDefined();
    expect(await leftovers(topology(id))).toEqual([]);
    expect(existsSync(join(ROOT, `.apex-hermetic-${id}`))).toBe(false);
    // the stack ran in the engine, not here: no compose project of the run on this host
    expect((await docker(["ps", "-a", "--quiet", "--filter", `label=com.docker.compose.project=${report.project}`])).stdout.trim()).toBe("");
  }, 900_000);

  it("parity: an override breaking one service statically and another at run time fails the same checks on the host and hermetically", async () => {
    const args = ["--no-build", "--skip-workflows", "--format", "json", "-f", "infra/compose.yaml", "-f", PARITY];
    const host = await apex(["verify", ...args, "--out", join(out, "parity-host")]);
    // on the volume: the other storage, so that both run here
    const herm = await apex(["verify", "--hermetic", "--engine-storage", "volume", ...args, "--out", join(out, "parity-hermetic")]);
    console.log(`parity: host exit ${host.code} in ${(host.ms / 1000).toFixed(0)}s, hermetic exit ${herm.code} in ${(herm.ms / 1000).toFixed(0)}s`);
    expect(host.code, host.stderr.slice(-1000)).toBe(1);
    expect(herm.code, herm.stderr.slice(-1000)).toBe(1);
    const onHost = failing(join(out, "parity-host"));
    expect(onHost).toContain("compose/cap-add-justified valkey"); // static
    expect(onHost).toContain("runtime/tmpfs-declared memcached"); // run time only
    expect(onHost.filter((f) => f.endsWith(" memcached")).every((f) => f.startsWith("runtime/"))).toBe(true);
    expect(failing(join(out, "parity-hermetic"))).toEqual(onHost);
    expect(herm.stderr).toMatch(/\/var\/lib\/docker on volume apex-hermetic-[0-9a-f]{6}-docker/);
    expect(JSON.parse(readFileSync(join(out, "parity-hermetic", "report.json"), "utf8")).environment.engine.storage).toBe("volume");
    expect(await leftovers(topology(runId(herm.stderr)!))).toEqual([]);
    expect(readdirSync(ROOT).filter((f) => f.startsWith(".apex-hermetic-"))).toEqual([]);
  }, 1_200_000);

  it.each([["SIGTERM", 143], ["SIGINT", 130]] as const)("%s once the engine runs: exit %i, everything removed", async (signal, exit) => {
    let sent = false;
    const r = await apex(["verify", "--hermetic", "--no-build", "--out", join(out, signal)], (all, child) => {
      if (!sent && /hermetic: engine /.test(all)) {
        sent = true;
        child.kill(signal);
      }
    });
    expect(sent).toBe(true);
    expect(r.code, r.stderr.slice(-1000)).toBe(exit);
    const id = runId(r.stderr)!;
    expect(await leftovers(topology(id))).toEqual([]);
    expect(readdirSync(ROOT).filter((f) => f.startsWith(".apex-hermetic-"))).toEqual([]);
  }, 600_000);
});
