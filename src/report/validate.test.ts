import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.ts";
import { sampleReport } from "./testdata/sample-report.ts";
import { readReport, reportErrors } from "./validate.ts";

const dir = mkdtempSync(join(tmpdir(), "apex-report-"));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe("report contract", () => {
  it("accepts a complete report and names the first missing contract field", () => {
    expect(reportErrors(sampleReport)).toBeNull();
    const broken = structuredClone(sampleReport) as any;
    delete broken.checks[0].refs;
    expect(reportErrors(broken)).toBe("/checks/0 must have required property 'refs'");
    expect(reportErrors({ ...sampleReport, status: "green" })).toMatch(/^\/status/);
  });

  it("reads a saved report, and says which file and line is wrong otherwise", () => {
    expect(readReport(file("ok.json", JSON.stringify(sampleReport))).status).toBe("fail");
    const bad = file("bad.json", '{\n  "status": "pass",\n  oops\n}');
    expect(() => readReport(bad)).toThrow(UsageError);
    try {
      readReport(bad);
    } catch (e) {
      expect((e as UsageError).oneLine()).toMatch(new RegExp(`^${bad}:3: not valid JSON`));
    }
    expect(() => readReport(join(dir, "absent.json"))).toThrow(/not found/);
    expect(() => readReport(file("other.json", "{}"))).toThrow(/not an apex report/);
  });
});
