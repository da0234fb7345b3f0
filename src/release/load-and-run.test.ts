import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseArgs } from "./load-and-run.ts";

const ROOT = resolve(import.meta.dirname, "../..");

describe("load-and-run (the module's one load-then-verify exec)", () => {
  it("takes <dir> -- <command...>", () => {
    expect(parseArgs(["/images", "--", "npx", "apex", "verify"])).toEqual({ dir: "/images", command: ["npx", "apex", "verify"] });
    expect(parseArgs(["/images", "npx"])).toBeUndefined();
    expect(parseArgs(["/images", "--"])).toBeUndefined();
    expect(parseArgs([])).toBeUndefined();
  });

  it("answers a bad command line with one usage line and exit 2", () => {
    const r = spawnSync("npx", ["tsx", "src/release/load-and-run.ts", "/images"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/usage: load-and-run/);
  });
});
