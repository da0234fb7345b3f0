import { parse } from "junit2json";
import { describe, expect, it } from "vitest";
import { renderJunit } from "./junit.ts";
import { sampleReport } from "./testdata/sample-report.ts";

describe("renderJunit", () => {
  it("parses with a JUnit consumer: one testcase per check, failures and skips counted", async () => {
    const parsed = (await parse(renderJunit(sampleReport))) as any;
    expect(parsed.tests).toBe(6);
    expect(parsed.failures).toBe(2);
    const cases = parsed.testsuite.flatMap((s: any) => s.testcase);
    expect(cases).toHaveLength(6);
    const failed = cases.filter((c: any) => c.failure);
    expect(failed.map((c: any) => `${c.classname} ${c.name}`).sort()).toEqual([
      "apex.runtime.worker runtime/cap-eff-zero",
      "apex.static.api compose/tmpfs-owner",
    ]);
    const waived = cases.find((c: any) => c.classname === "apex.static.volume_prep");
    expect(waived.skipped[0].message).toMatch(/^waived: Runs as root/);
  });

  it("carries the evidence and the remediation in the failure body", () => {
    const xml = renderJunit(sampleReport);
    expect(xml).toContain("CapEff: expected 0000000000000000, actual 00000000a80425fb");
    expect(xml).toContain("remediation: Add cap_drop: [ALL]");
  });
});
