// `apex verify --hermetic` run for real, once: our engine and toolbox images, the stack's
// images loaded into a fresh engine, verify inside, the report copied out, and nothing of
// the run (containers, network, volume, ci images, its run directory) left afterwards.
// Then a second run interrupted with SIGTERM as soon as its engine exists: it too removes
// everything and exits 143.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { leftovers } from "./engine.ts";
import { topology } from "./topology.ts";
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
const runId = (stderr: string) => /hermetic: run ([0-9a-f]{6})/.exec(stderr)?.[1];

describe("apex verify --hermetic", () => {
  it("verifies the stack inside a fresh engine, copies the report out and leaves nothing behind", async () => {
    const r = await apex(["verify", "--hermetic", "--no-build", "--format", "json,md", "--out", out]);
    console.log(`hermetic verify: exit ${r.code} in ${(r.ms / 1000).toFixed(0)}s\n${r.stderr.split("\n").filter((l) => /hermetic:|apex verify:/.test(l)).join("\n")}`);
    expect([0, 1], r.stderr.slice(-2000)).toContain(r.code);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.command).toBe("verify");
    expect(report.status).toBe(r.code === 0 ? "pass" : "fail");
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

  it("SIGTERM once the engine runs: exit 143, everything removed", async () => {
    let sent = false;
    const r = await apex(["verify", "--hermetic", "--no-build", "--out", join(out, "term")], (all, child) => {
      if (!sent && /hermetic: engine /.test(all)) {
        sent = true;
        child.kill("SIGTERM");
      }
    });
    expect(sent).toBe(true);
    expect(r.code, r.stderr.slice(-1000)).toBe(143);
    const id = runId(r.stderr)!;
    expect(await leftovers(topology(id))).toEqual([]);
    expect(readdirSync(ROOT).filter((f) => f.startsWith(".apex-hermetic-"))).toEqual([]);
  }, 600_000);
});
