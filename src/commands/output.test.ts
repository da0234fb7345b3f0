// CLI conventions as a user's shell sees them: `--out -` puts the one chosen format on
// stdout and nothing else there (hadolint, trivy); --quiet keeps the final line; colour
// only on a terminal, never with NO_COLOR or --no-color. A real pty comes from util-linux
// `script`, so the terminal case is a terminal, not a faked isTTY.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { colorWanted } from "./output.ts";

const APEX = join(process.cwd(), "bin/apex.mjs");
const dir = mkdtempSync(join(tmpdir(), "apex-output-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "compose.yaml"), "services:\n  web:\n    image: nginx:1\n");
const ESC = "\u001b[";

const apex = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(process.execPath, [APEX, ...args], { cwd: dir, encoding: "utf8", timeout: 60_000, env: { ...process.env, NO_COLOR: "", ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
/** The same command on a pseudo-terminal: `script` merges stdout and stderr into the tty. */
const onTerminal = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const cmd = [process.execPath, APEX, ...args].map((a) => `'${a}'`).join(" ");
  const r = spawnSync("script", ["-qec", cmd, "/dev/null"], { cwd: dir, encoding: "utf8", timeout: 60_000, env: { ...process.env, NO_COLOR: "", ...env } });
  return { code: r.status, text: r.stdout };
};

describe("--out -", () => {
  it("writes the one chosen format to stdout and nothing else; the summary goes to stderr", () => {
    const r = apex(["policy", "-f", "compose.yaml", "--format", "json", "--out", "-"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout); // the whole of stdout is the report
    expect(report).toMatchObject({ command: "policy", status: "fail" });
    expect(r.stderr).toMatch(/^FAIL +web compose\/cap-drop-all/m);
    expect(r.stderr).toMatch(/^apex policy: FAIL — \d+ failed/m);
    expect(r.stderr).not.toContain("report:"); // no file was written, so none is named
    expect(existsSync(join(dir, "-"))).toBe(false);
  });

  it("sarif to stdout is the SARIF document alone", () => {
    const r = apex(["policy", "-f", "compose.yaml", "--format", "sarif", "--out", "-", "-q"]);
    expect(JSON.parse(r.stdout).version).toBe("2.1.0");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it.each([
    ["the default formats", []],
    ["two formats", ["--format", "json,md"]],
  ])("with %s is one usage line, exit 2, and writes nothing", (_what, fmt) => {
    const r = apex(["policy", "-f", "compose.yaml", ...fmt, "--out", "-"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("apex: --out - writes one format to stdout, not 2 (json, md): choose one with --format\n");
    expect(existsSync(join(dir, "-"))).toBe(false);
  });

  it("apex report --out - renders a saved report to stdout", () => {
    expect(apex(["policy", "-f", "compose.yaml", "--format", "json,md", "-o", "saved", "-q"]).code).toBe(1);
    const r = apex(["report", "--from", "saved/report.json", "--format", "md", "--out", "-"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(readFileSync(join(dir, "saved/report.md"), "utf8"));
    expect(existsSync(join(dir, "-"))).toBe(false);
  });
});

describe("--quiet", () => {
  it("prints the final one-line result only: no failures listed, no report path", () => {
    const r = apex(["policy", "-f", "compose.yaml", "-o", "q", "--quiet"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^apex policy: FAIL — \d+ failed, 0 waived, \d+ skipped, \d+ passed\n$/);
    expect(r.stderr).toBe("");
    expect(existsSync(join(dir, "q/report.json"))).toBe(true); // quiet, not idle
  });

  it("still prints errors", () => {
    const r = apex(["policy", "-f", "nope.yaml", "--quiet"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("apex: nope.yaml: compose file not found\n");
  });
});

describe("colour", () => {
  it("is on for a terminal: the status words are coloured", () => {
    const r = onTerminal(["policy", "-f", "compose.yaml", "-o", "c"]);
    expect(r.code).toBe(1);
    expect(r.text).toContain(`${ESC}31mFAIL`);
  });

  it.each([
    ["NO_COLOR is set", [], { NO_COLOR: "1" }],
    ["--no-color is given", ["--no-color"], {}],
  ])("is off on a terminal when %s", (_what, flag, env) => {
    const r = onTerminal(["policy", "-f", "compose.yaml", "-o", "c", ...flag], env);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/apex policy: FAIL/);
    expect(r.text).not.toContain(ESC);
  });

  it("is off when stdout is a pipe", () => {
    const r = apex(["policy", "-f", "compose.yaml", "-o", "c"]);
    expect(r.stdout).toMatch(/apex policy: FAIL/);
    expect(r.stdout).not.toContain(ESC);
  });

  it("colorWanted: a terminal, no --no-color, NO_COLOR absent or empty", () => {
    expect(colorWanted(undefined, { isTTY: true }, {})).toBe(true);
    expect(colorWanted(undefined, { isTTY: true }, { NO_COLOR: "" })).toBe(true);
    expect(colorWanted(undefined, { isTTY: true }, { NO_COLOR: "0" })).toBe(false);
    expect(colorWanted(false, { isTTY: true }, {})).toBe(false);
    expect(colorWanted(undefined, { isTTY: undefined }, {})).toBe(false);
  });
});
