// The CLI's argument handling, without Docker: bad input is one line and exit 2.
import { describe, expect, it, vi } from "vitest";
import { hoistGlobals, main } from "./main.ts";
import { checkKeepDays, checkType } from "./commands/backup.ts";
import { explainExecFailure, lastJsonLine } from "./remote.ts";

async function capture(argv: string[]) {
  const err: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((s) => (err.push(String(s)), true));
  const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  try {
    return { code: await main(argv), err: err.join("") };
  } finally {
    spy.mockRestore();
    out.mockRestore();
  }
}

describe("manage CLI", () => {
  it("refuses --type=diff and --type=incr with exit 2 and the reason", async () => {
    for (const t of ["diff", "incr"]) {
      const r = await capture(["backup", `--type=${t}`]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/refused: a logical dump \(pg_dump\) always copies the whole database/);
      expect(r.err.trim().split("\n")).toHaveLength(1);
    }
    expect(() => checkType("full")).not.toThrow();
    expect(() => checkType("weekly")).toThrow(/only type is full/);
  });

  it("exits 2 with one line for a missing compose file, a bad project name, a bad --into", async () => {
    expect((await capture(["list", "-f", "/nonexistent/compose.yaml"])).err).toMatch(/^manage: \/nonexistent\/compose.yaml: compose file not found\n$/);
    expect((await capture(["list", "-p", "Bad Name"])).code).toBe(2);
    const r = await capture(["restore", "x", "--into", "no;such"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not a plain database name/);
    expect((await capture(["bogus"])).code).toBe(2);
    expect(() => checkKeepDays("7x")).toThrow(/whole number/);
  });

  it("--help exits 0", async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((s) => (out.push(String(s)), true));
    const code = await main(["backup", "--help"]).finally(() => spy.mockRestore());
    expect(code).toBe(0);
    expect(out.join("")).toMatch(/--verify/);
  });

  it("takes the stack flags before or after the command", () => {
    expect(hoistGlobals(["-p", "x", "backup", "--verify"])).toEqual(["backup", "-p", "x", "--verify"]);
    expect(hoistGlobals(["--compose=a.yaml", "list"])).toEqual(["list", "--compose=a.yaml"]);
    expect(hoistGlobals(["list", "-p", "x"])).toEqual(["list", "-p", "x"]);
  });

  it("reads apex-backup's result line and explains why exec could not start", () => {
    expect(lastJsonLine('noise\n{"ok": true, "id": "a"}\n')).toEqual({ ok: true, id: "a" });
    expect(lastJsonLine("no json")).toBeNull();
    const t = { files: ["/c.yaml"], projectName: "p" };
    expect(explainExecFailure(t, 'service "logical_backup" is not running')).toMatch(/not running in project "p"/);
    expect(explainExecFailure(t, "something else")).toBeNull();
  });
});
