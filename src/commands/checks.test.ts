// `apex checks` and `apex explain`: the catalogue as a newcomer reads it, from the CLI.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CATALOGUE } from "../catalogue.ts";
import type { Report } from "../types.ts";

const apex = (...args: string[]) => spawnSync(process.execPath, ["bin/apex.mjs", ...args], { encoding: "utf8" });

describe("apex checks / explain", () => {
  it("lists every check of every kind, and --kind narrows it", () => {
    const all = JSON.parse(apex("checks", "--format", "json").stdout) as Array<{ id: string }>;
    expect(all.map((c) => c.id)).toEqual(CATALOGUE.map((c) => c.id));
    const runtime = apex("checks", "--kind", "runtime").stdout;
    expect(runtime).toContain("runtime/cap-eff-zero");
    expect(runtime).not.toContain("compose/cap-drop-all");
  });

  it("explain points from an id (or a former id) to its code, tests and docs", () => {
    const r = apex("explain", "runtime/no-docker-sock");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^runtime\/no-docker-socket {2}\(runtime, critical\)/);
    expect(r.stdout).toContain("code:       src/probes/no-docker-socket.ts");
    expect(r.stdout).toMatch(/tests: .*src\/probes\/probes\.docker\.test\.ts/);
    expect(r.stdout).toContain("docs:       docs/checks.md#runtime-no-docker-socket");
    const rule = apex("explain", "compose/cap-add-justified").stdout;
    expect(rule).toContain("code:       src/rules/compose-cap-add-justified.ts");
    expect(rule).toContain("refs:       CIS 5.4");
  });

  it("an unknown id is one line and exit 2, in explain and in --skip", () => {
    for (const r of [apex("explain", "compose/nope"), apex("policy", "--skip", "compose/nope")]) {
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/compose\/nope.*apex checks/);
    }
  });

  it("policy --only and --skip select by id", () => {
    const only = apex("policy", "--only", "compose/cap-drop-all", "--format", "json", "--out", "/tmp/apex-only-test");
    expect(only.status, only.stderr).toBe(0);
    const ids = (JSON.parse(readFileSync("/tmp/apex-only-test/report.json", "utf8")) as Report).checks.map((c) => c.id);
    expect([...new Set(ids)]).toEqual(["compose/cap-drop-all"]);
    const skip = apex("policy", "--skip", "compose/healthcheck", "--skip", "compose/restart-policy", "--out", "/tmp/apex-skip-test");
    expect(skip.status, skip.stderr).toBe(0);
    expect(skip.stdout).not.toContain("compose/healthcheck");
  });
});
