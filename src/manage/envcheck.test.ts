// manage env is a view of the policy result: the same rules, the same exemptions file.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CheckResult, Report } from "../types.ts";
import { envFindings, renderEnv } from "./envcheck.ts";

const result = (service: string, id: string, status: CheckResult["status"], actual?: string): CheckResult => ({
  id, service, status, kind: "static", title: id, severity: "high", refs: [], message: `${id} ${status}`,
  evidence: actual ? [{ property: id === "compose/read-only-rootfs" ? "read_only" : "x", actual }] : [],
  ...(status === "waived" ? { waiver: { reason: "one-shot job", source: { file: "e.yaml", line: 2 } } } : {}),
});
const FOUR = ["compose/cap-drop-all", "compose/no-new-privileges", "compose/read-only-rootfs", "compose/no-privileged"];

describe("manage env (a view of policy results)", () => {
  it("one line per service; a failing rule names the property and what compose has", () => {
    const f = envFindings([
      ...FOUR.map((id) => result("api", id, "pass")),
      ...FOUR.map((id) => result("worker", id, id === "compose/read-only-rootfs" ? "fail" : "pass", "false")),
      ...FOUR.map((id) => result("prep", id, "waived")),
      result("api", "compose/healthcheck", "fail"), // not one of manage env's rules
    ]);
    expect(f.filter((x) => !x.ok).map((x) => `${x.service}:${x.property}:${x.actual}`)).toEqual(["worker:read_only:false"]);
    const text = renderEnv(f);
    expect(text).toMatch(/ok api/);
    expect(text).toMatch(/XX worker +read_only: expected true, got false/);
    expect(text).toMatch(/- +prep +exempt: one-shot job/);
  });

  const run = (cmd: string, ...args: string[]) => spawnSync(process.execPath, [cmd, ...args], { encoding: "utf8" });
  const files = ["-f", "infra/compose.yaml", "-f", "src/manage/testdata/volume-prep-writable.yaml"];

  it("judges what apex policy judges, with the same exemptions (volume_prep gets no free pass)", () => {
    const env = run("scripts/manage", "env", "--json", ...files);
    expect(env.status, env.stderr).toBe(1);
    const bad = (JSON.parse(env.stdout).findings as Array<{ service: string; check: string; ok: boolean }>).filter((x) => !x.ok).map((x) => `${x.service} ${x.check}`);
    const pol = run("bin/apex.mjs", "policy", ...files, "--only", FOUR.join(","), "--format", "json", "--out", "/tmp/apex-env-policy");
    expect(pol.status).toBe(1);
    const report = JSON.parse(readFileSync("/tmp/apex-env-policy/report.json", "utf8")) as Report;
    const polBad = report.checks.filter((c) => c.status === "fail").map((c) => `${c.service} ${c.id}`).sort();
    expect(bad.sort()).toEqual(polBad);
    expect(bad).toEqual(["volume_prep compose/read-only-rootfs"]);
  });
});
