// The checks verify and probe make of the services themselves, each shown failing on a
// real container: a service that never becomes healthy (stack/healthy), one that crashed
// (runtime/running), and one in a profile the run leaves out (stack/service-not-run, a skip).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { compose, type ComposeTarget } from "../docker.ts";
import type { Report } from "../types.ts";

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
  it("verify: a service that never becomes healthy fails stack/healthy; a profiled one is reported not run", () => {
    const out = join(tmp, "verify");
    const r = apex(["verify", "-f", FIXTURE, "-p", `${target.projectName}-v`, "--exemptions", NONE, "--skip-workflows", "--out", out, "--format", "json"]);
    expect(r.status, r.stderr).toBe(1);
    const checks = report(out).checks;
    expect(checks.find((c) => c.id === "stack/healthy" && c.service === "never-healthy")).toMatchObject({ status: "fail" });
    expect(checks.find((c) => c.id === "stack/service-not-run" && c.service === "profiled")).toMatchObject({ status: "skip" });
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
