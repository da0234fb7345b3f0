import { describe, expect, it } from "vitest";
import { renderJson } from "./json.ts";
import { renderMarkdown } from "./md.ts";
import { sampleReport } from "./testdata/sample-report.ts";

describe("Markdown renderer", () => {
  const md = renderMarkdown(sampleReport);
  it("leads with the verdict, then failures before waivers, skips and passes", () => {
    expect(md.split("\n")[0]).toBe("# apex verify: ❌ fail");
    const order = ["## ❌ Failed (2)", "## ⚪ Waived (1)", "## ⏭️ Skipped (1)", "Passed (2)"].map((h) => md.indexOf(h));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
  it("shows where, how to fix and the references of each failure, and each waiver's reason", () => {
    expect(md).toContain("tmpfs /tmp has no uid/gid `infra/compose.yaml:42`<br>**Fix:** Use /tmp:uid=1000,gid=1000,mode=1777");
    expect(md).toContain("Runs as root once to chown volumes `infra/exemptions.yaml:3`");
  });
});

describe("JSON renderer", () => {
  it("is the report itself", () => {
    expect(JSON.parse(renderJson(sampleReport))).toEqual(sampleReport);
  });
});
