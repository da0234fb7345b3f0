// apex policy judges the pipeline's own containers like the stack's: ci/images/compose.yaml
// passes only because the engine's privileges (and the one-shot toolbox) are recorded
// exemptions with their justification.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const tmp = mkdtempSync(join(tmpdir(), "apex-ci-policy-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const policy = (...extra: string[]) => {
  const out = join(tmp, String(Math.random()).slice(2));
  const r = spawnSync("npx", ["apex", "policy", "-f", "ci/images/compose.yaml", "--no-images", "--format", "json", "--out", out, ...extra], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, report: JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as { checks: Array<{ id: string; service?: string; status: string }> } };
};

describe("ci/images/compose.yaml under apex policy", () => {
  it("passes, the engine's privileges waived by ci/images/exemptions.yaml", () => {
    const { code, report } = policy();
    expect(code).toBe(0);
    const waived = report.checks.filter((c) => c.status === "waived").map((c) => `${c.service} ${c.id}`);
    expect(waived).toEqual(expect.arrayContaining(["engine compose/cap-drop-all", "engine compose/seccomp-confined", "engine dockerfile/user-non-root"]));
    expect(report.checks.filter((c) => c.service === "toolbox" && c.status === "waived").map((c) => c.id).sort()).toEqual(["compose/healthcheck", "compose/restart-policy"]);
  }, 60_000);

  it("fails without the exemptions: the toolbox itself is held to the anchor, the engine's privileges are findings", () => {
    const empty = join(tmp, "none.yaml");
    writeFileSync(empty, "exemptions: []\n");
    const { code, report } = policy("--exemptions", empty);
    expect(code).toBe(1);
    const failed = report.checks.filter((c) => c.status === "fail").map((c) => `${c.service} ${c.id}`);
    expect(failed).toContain("engine compose/cap-add-justified");
    expect(failed.filter((f) => f.startsWith("toolbox")).sort()).toEqual(["toolbox compose/healthcheck", "toolbox compose/restart-policy"]);
  }, 60_000);
});
