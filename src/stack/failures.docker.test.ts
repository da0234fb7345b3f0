// The checks verify and probe make of the services themselves, each shown failing on a
// real container: a service that never becomes healthy (stack/healthy; probed all the same), one that crashed
// (runtime/running), and one in a profile the run leaves out (stack/service-not-run, a skip).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { compose, type ComposeTarget } from "../docker.ts";
import type { Report } from "../types.ts";
import { WORKFLOWS } from "../workflows/index.ts";

const FIXTURE = new URL("./testdata/failing/compose.yaml", import.meta.url).pathname;
const NONE = "src/testdata/policy/exemptions/none.yaml";
const tmp = mkdtempSync(join(tmpdir(), "apex-failing-"));
const target: ComposeTarget = { files: [FIXTURE], projectName: `apex-failing-${randomBytes(3).toString("hex")}` };

const apex = (args: string[]) => spawnSync(process.execPath, ["bin/apex.mjs", ...args], { encoding: "utf8", timeout: 300_000 });
const report = (dir: string) => JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as Report;

afterAll(async () => {
  await compose({ ...target, profiles: ["crash", "extra"] }, ["down", "-v", "--remove-orphans", "-t", "1"]);
});

describe("stack checks on real containers", () => {
  it("verify: a service that never becomes healthy fails stack/healthy, and every running service is probed all the same", () => {
    const out = join(tmp, "verify");
    const r = apex(["verify", "-f", FIXTURE, "-p", `${target.projectName}-v`, "--exemptions", NONE, "--out", out, "--format", "json"]);
    expect(r.status, r.stderr).toBe(1);
    const rep = report(out);
    const checks = rep.checks;
    const result = (id: string, service: string) => checks.find((c) => c.id === id && c.service === service);
    expect(result("stack/healthy", "never-healthy")).toMatchObject({ status: "fail" });
    expect(result("stack/service-not-run", "profiled")).toMatchObject({ status: "skip" });
    // the broken service's posture is judged, not hidden behind its healthcheck: it runs as root
    expect(result("runtime/process-user", "never-healthy")).toMatchObject({ status: "fail" });
    expect(result("runtime/process-user", "never-healthy")!.message).toMatch(/root/);
    expect(result("runtime/healthy", "never-healthy")).toMatchObject({ status: "fail" });
    // the other service was waited for (not called ready while still starting) and probed
    expect(result("stack/healthy", "slow-healthy")).toMatchObject({ status: "pass" });
    expect(result("runtime/healthy", "slow-healthy")).toMatchObject({ status: "pass" });
    expect(result("runtime/process-user", "slow-healthy")).toMatchObject({ status: "pass" });
    for (const svc of ["never-healthy", "slow-healthy"]) expect(checks.filter((c) => c.kind === "runtime" && c.service === svc).length).toBeGreaterThan(10);
    // workflows need a working stack: not run, and the report says why
    expect(rep.phases.find((p) => p.name === "probe")).toBeDefined();
    expect(rep.phases.find((p) => p.name === "workflow")).toMatchObject({ status: "skip", note: expect.stringMatching(/not healthy \(never-healthy/) });
    const flows = checks.filter((c) => WORKFLOWS.some((w) => w.meta.id === c.id));
    expect(flows.length).toBe(WORKFLOWS.length);
    for (const c of flows) expect(c, c.id).toMatchObject({ status: "skip", message: expect.stringMatching(/^not run: the stack is not healthy \(never-healthy/) });
  });

  it("probe: a crashed container fails runtime/running", async () => {
    await compose({ ...target, profiles: ["crash"] }, ["up", "-d", "never-healthy", "crashed"]);
    for (let i = 0; i < 50; i++) {
      const ps = await compose({ ...target, profiles: ["crash"] }, ["ps", "-a", "--format", "{{.Service}} {{.State}}"]);
      if (/crashed exited/.test(ps.stdout)) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    const out = join(tmp, "probe");
    const r = apex(["probe", "-f", FIXTURE, "-p", target.projectName!, "--profile", "crash", "--exemptions", NONE, "--out", out, "--format", "json"]);
    expect(r.status, r.stderr).toBe(1);
    const running = report(out).checks.find((c) => c.id === "runtime/running" && c.service === "crashed");
    expect(running).toMatchObject({ status: "fail" });
    expect(running!.message).toMatch(/exited \(exit 3\)/);
  });
});
