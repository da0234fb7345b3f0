// verify end to end against the real Docker Engine: the intact stack passes, a compose
// override that breaks one service fails on exactly that service, both run at the same
// time, nothing is left behind (also after SIGTERM), and no secret reaches any output.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { leftovers } from "../stack/lifecycle.ts";
import { loadSecretValues } from "../redact.ts";
import { reportErrors } from "../report/validate.ts";
import type { Report } from "../types.ts";

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function apex(args: string[], onSpawn?: (pid: number) => void, env: NodeJS.ProcessEnv = {}): Promise<Ran & { pid: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["bin/apex.mjs", ...args], { env: { ...process.env, APEX_PROGRESS: "1", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, pid: child.pid! }));
    onSpawn?.(child.pid!);
  });
}

const tmp = mkdtempSync(join(tmpdir(), "apex-verify-"));
const id = () => randomBytes(3).toString("hex");
const BROKEN = "memcached";
const override = join(tmp, "break-memcached.yaml");
// Scalars override and lists merge in compose: a writable root and an extra capability
// are both expressible as an override, the way a careless change would arrive.
writeFileSync(override, `services:\n  ${BROKEN}:\n    read_only: false\n    cap_add: [NET_RAW]\n`);

describe("apex verify", () => {
  it("passes the intact stack and fails a broken service, two runs at once, leaving nothing behind", async () => {
    const good = { project: `apex-t-good-${id()}`, out: join(tmp, "good") };
    const bad = { project: `apex-t-bad-${id()}`, out: join(tmp, "bad") };
    const trace = join(tmp, "docker-trace.tsv");
    const [g, b] = await Promise.all([
      apex(["verify", "-p", good.project, "--out", good.out], undefined, { APEX_TRACE_DOCKER: trace }),
      // --skip by a check's id: its results leave the report, everything else still runs
      apex(["verify", "-p", bad.project, "--out", bad.out, "-f", "infra/compose.yaml", "-f", override, "--skip", "runtime/healthy"]),
    ]);

    const goodReport = JSON.parse(readFileSync(join(good.out, "report.json"), "utf8")) as Report;
    const failing = goodReport.checks.filter((c) => c.status === "fail").map((c) => `${c.service} ${c.id}: ${c.message}`);
    expect(failing).toEqual([]);
    expect(g.code, g.stderr).toBe(0);
    expect(goodReport.status).toBe("pass");
    expect(reportErrors(goodReport)).toBeNull();
    for (const kind of ["static", "runtime", "workflow"]) expect(goodReport.checks.some((c) => c.kind === kind)).toBe(true);
    expect(readdirSync(good.out).sort()).toEqual(["report.html", "report.json", "report.junit.xml", "report.md", "report.sarif"]);

    // The run resolves compose once per profile set: its own, and every profile (to report
    // the services it leaves out). Policy, probes and the matrix read that one model.
    // (the trace holds every process of the run: verify and the manage commands it starts)
    const configs = readFileSync(trace, "utf8").split("\n").filter(Boolean)
      .map((l) => JSON.parse(l.split("\t")[1]!) as string[]).filter((a) => a[1] === "compose" && a.includes("config"));
    const profileSets = configs.map((a) => a.filter((_, i) => a[i - 1] === "--profile").join(","));
    expect(profileSets.length, JSON.stringify(configs)).toBeLessThanOrEqual(2);
    expect(new Set(profileSets).size).toBe(profileSets.length);

    expect(b.code, b.stderr).toBe(1);
    const badReport = JSON.parse(readFileSync(join(bad.out, "report.json"), "utf8")) as Report;
    const badFails = badReport.checks.filter((c) => c.status === "fail");
    // Every failure is about the broken service: its own checks, or a stack-wide check
    // (service null, e.g. manage env) whose message names it.
    for (const c of badFails) expect(c.service === BROKEN || (c.service === null && c.message.includes(BROKEN)), `${c.id}: ${c.message}`).toBe(true);
    expect(badFails.filter((c) => c.service === BROKEN).length).toBeGreaterThanOrEqual(4);
    expect(badFails.some((c) => c.kind === "static")).toBe(true);
    expect(badFails.some((c) => c.kind === "runtime")).toBe(true);
    expect(b.stdout).toContain(`FAIL ${BROKEN} `);
    expect(badReport.checks.filter((c) => c.id === "runtime/healthy")).toEqual([]);
    expect(goodReport.checks.filter((c) => c.id === "runtime/healthy").length).toBeGreaterThan(5);
    expect(badReport.checks.filter((c) => c.id === "runtime/cap-eff-zero").length).toBeGreaterThan(5);

    expect(await leftovers(good.project)).toEqual([]);
    expect(await leftovers(bad.project)).toEqual([]);

    // No secret in any report file or anything either run printed.
    const secrets = loadSecretValues();
    expect(secrets.length).toBeGreaterThan(0);
    const texts = [g.stdout, g.stderr, b.stdout, b.stderr];
    for (const dir of [good.out, bad.out]) for (const f of readdirSync(dir)) texts.push(readFileSync(join(dir, f), "utf8"));
    for (const s of secrets) for (const t of texts) expect(t.includes(s)).toBe(false);
  });

  it("tears the stack down when interrupted with SIGTERM", async () => {
    const project = `apex-t-term-${id()}`;
    let pid = 0;
    const running = apex(["verify", "-p", project, "--out", join(tmp, "term")], (p) => (pid = p));
    // Wait until the project has containers, then interrupt.
    for (let i = 0; i < 600 && (await leftovers(project)).length === 0; i++) await new Promise((r) => setTimeout(r, 500));
    expect((await leftovers(project)).length).toBeGreaterThan(0);
    process.kill(pid, "SIGTERM");
    const r = await running;
    expect(r.code).toBe(143);
    expect(await leftovers(project)).toEqual([]);
  });
});
