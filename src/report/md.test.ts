import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";
import { describe, expect, it } from "vitest";
import type { CheckResult, Report } from "../types.ts";
import { renderJson } from "./json.ts";
import { PR_COMMENT_LIMIT, renderMarkdown } from "./md.ts";
import { sampleReport } from "./testdata/sample-report.ts";

// A GFM parser (micromark with its GFM extension, which follows GitHub's cmark-gfm spec:
// tables, autolinks, the tag filter), as GitHub renders PR comments and step summaries.
// Raw HTML such as <details> is kept, as GitHub keeps the tags it allows. (GitHub's own
// cmark-gfm binding needs a native build that a clean `npm install` does not run.)
const toHtml = (md: string) => micromark(md, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
/** Rows of each table GitHub would render, in document order (header row excluded). */
const tableRows = (html: string) => [...html.matchAll(/<table>[\s\S]*?<\/table>/g)].map((t) => (t[0].match(/<tbody>[\s\S]*<\/tbody>/)?.[0].match(/<tr>/g) ?? []).length);

const check = (status: CheckResult["status"], i: number, text: string): CheckResult => ({
  id: `compose/synthetic-${i}`, kind: "static", service: `svc${i % 40}`, status, title: `Synthetic check ${i}`, severity: "high", refs: ["CIS 5.4"],
  message: `${text} #${i}`, remediation: status === "fail" ? `Fix it like this: ${text}` : undefined, evidence: [],
  location: { file: "infra/compose.yaml", line: i + 1 },
  ...(status === "waived" ? { waiver: { reason: `Reason ${i}`, source: { file: "infra/exemptions.yaml", line: i } } } : {}),
});
const reportOf = (checks: CheckResult[]): Report => {
  const summary = { pass: 0, fail: 0, skip: 0, waived: 0 };
  for (const c of checks) summary[c.status]++;
  return { ...sampleReport, status: summary.fail ? "fail" : "pass", summary, checks };
};

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
  it("does not cut a normal report: every check of the sample is in GitHub's tables", () => {
    expect(md).not.toContain("more in report.html");
    expect(tableRows(toHtml(md))).toEqual([3, 2, 1, 1, 2]); // phases, failed, waived, skipped, passed
  });
  it("shows a message's markup as text, so it cannot close the passes' fold", () => {
    const html = toHtml(renderMarkdown(reportOf([check("pass", 1, "</details><b>x</b> | y")])));
    expect(html.match(/<\/details>/g)).toHaveLength(1);
    expect(html).toContain("&lt;/details&gt;&lt;b&gt;x&lt;/b&gt; | y #1");
  });
  it("does not cut a passing run of the stack's size (~50 KB)", () => {
    const passes = Array.from({ length: 420 }, (_, i) => check("pass", i, "CapEff 0000000000000000 read from /proc/1/status inside the container"));
    const out = renderMarkdown(reportOf(passes));
    expect(out.length).toBeGreaterThan(40_000);
    expect(out.length).toBeLessThanOrEqual(PR_COMMENT_LIMIT);
    expect(out).not.toContain("more in report.html");
    expect(tableRows(toHtml(out))).toEqual([3, 420]);
  });
});

describe("Markdown fits a PR comment whatever the report holds", () => {
  const long = "x".repeat(1500);
  const checks = [
    ...Array.from({ length: 3000 }, (_, i) => check("fail", i, `tmpfs /tmp has no uid/gid ${long}`)),
    ...Array.from({ length: 200 }, (_, i) => check("waived", i, long)),
    ...Array.from({ length: 50 }, (_, i) => check("skip", i, "profile not enabled")),
    ...Array.from({ length: 2000 }, (_, i) => check("pass", i, "CapEff 0")),
  ];
  const md = renderMarkdown(reportOf(checks));
  const html = toHtml(md);

  it("stays within GitHub's 65,536-character limit", () => {
    expect(md.length).toBeLessThanOrEqual(PR_COMMENT_LIMIT);
  });
  it("cuts the failures table with a '… N more in report.html' line GitHub renders as a paragraph, not a row", () => {
    const [, failedRows] = tableRows(html);
    expect(failedRows).toBeGreaterThan(10);
    expect(html).toContain(`<p>… ${3000 - failedRows} more in report.html</p>`);
  });
  it("keeps every section's heading and count, with what did not fit counted", () => {
    for (const h of ["## ❌ Failed (3000)", "## ⚪ Waived (200)", "## ⏭️ Skipped (50)", "Passed (2000)"]) expect(md).toContain(h);
    expect(md).toContain("… 200 more in report.html");
    expect(md).toContain("… 50 more in report.html");
    expect(md).toContain("… 2000 more in report.html");
    expect(html).toContain("</details>"); // the fold still closes
  });
  it("clips one enormous finding instead of dropping it or overflowing", () => {
    const out = renderMarkdown(reportOf([check("fail", 1, "y".repeat(200_000))]));
    expect(out.length).toBeLessThanOrEqual(PR_COMMENT_LIMIT);
    expect(tableRows(toHtml(out))).toEqual([3, 1]);
    expect(out).toContain("y…");
    expect(out).not.toContain("more in report.html");
  });
});

describe("JSON renderer", () => {
  it("is the report itself", () => {
    expect(JSON.parse(renderJson(sampleReport))).toEqual(sampleReport);
  });
});
