// verify's flags that only the hermetic runner reads: wrong alone or with a wrong value is
// one usage line (exit 2), before any engine, image or container is touched.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const apex = (args: string[]) => spawnSync(process.execPath, ["bin/apex.mjs", ...args], { cwd: ROOT, encoding: "utf8" });

describe("verify --engine-storage on bad input", () => {
  it("without --hermetic: one line saying it applies to --hermetic only (exit 2)", () => {
    const r = apex(["verify", "--engine-storage", "tmpfs", "--out", "/tmp/apex-never-written"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/--engine-storage applies to --hermetic only/)]);
  });

  it("a kind it does not know: one line naming the choices (exit 2)", () => {
    const r = apex(["verify", "--hermetic", "--engine-storage", "ramdisk", "--out", "/tmp/apex-never-written"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/--engine-storage ramdisk: give tmpfs or volume/)]);
  });
});
