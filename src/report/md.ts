// Markdown for PR summaries: failures first with where and how to fix, then waivers with
// their reasons, then skips; passes are folded away. Always fits a PR comment: long
// tables are cut with a "… N more in report.html" line (md-fit.ts).
import type { CheckResult, Location, Report } from "../types.ts";
import { describeEngine } from "./environment.ts";
import { locationOf } from "./location.ts";
import { clipText, fitBlocks, type Block, type TableBlock } from "./md-fit.ts";

export { PR_COMMENT_LIMIT } from "./md-fit.ts";

// One cell or fixed line may not crowd out the rest: a long finding is clipped, not dropped.
const CELL_MAX = 1_000;
const LINE_MAX = 2_000;

// Table-safe text: no pipes or line breaks, and no raw HTML (a "</details>" in a message
// would close the fold).
const esc = (s: string) => clipText(s, CELL_MAX).replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/\r?\n/g, " ");
const where = (l?: Location) => (l ? `\`${clipText(l.file, 300).replace(/`/g, "'")}${l.line ? `:${l.line}` : ""}\`` : "");
const ICON = { pass: "✅", fail: "❌", waived: "⚪", skip: "⏭️" } as const;
const more = (n: number) => `… ${n} more in report.html`;

function table(before: string[], header: string, rows: CheckResult[], cell: (c: CheckResult) => string, after: string[] = []): TableBlock {
  return {
    before,
    header: [`| service | check | ${header} |`, "| --- | --- | --- |"],
    rows: rows.map((c) => `| ${esc(c.service ?? "—")} | \`${clipText(c.id, 200).replace(/[`|]/g, "")}\` ${esc(c.title)} | ${cell(c)} |`),
    after: ["", ...after],
  };
}

export function renderMarkdown(report: Report): string {
  const by = (s: CheckResult["status"]) => report.checks.filter((c) => c.status === s);
  const { pass, fail, skip, waived } = report.summary;
  const commit = report.git?.commit ? ` — commit \`${report.git.commit.slice(0, 12)}\`${report.git.dirty ? " (dirty)" : ""}` : "";
  const engine = report.environment ? ` — ${describeEngine(report.environment.engine)}` : "";
  const blocks: Block[] = [
    [
      clipText(`# apex ${report.command}: ${report.status === "pass" ? "✅ pass" : "❌ fail"}`, LINE_MAX),
      "",
      clipText(`${fail} failed · ${waived} waived · ${skip} skipped · ${pass} passed — compose: ${report.composeFiles.map((f) => `\`${f}\``).join(", ") || "—"}${commit}${engine}`, LINE_MAX),
      "",
    ],
  ];
  if (report.phases.length)
    blocks.push({
      before: [],
      header: ["| phase | status | seconds |", "| --- | --- | --- |"],
      rows: report.phases.map((p) => `| ${esc(p.name)} | ${p.status} | ${(p.durationMs / 1000).toFixed(1)} |`),
      after: [""],
    });
  if (fail)
    blocks.push(
      table([`## ${ICON.fail} Failed (${fail})`, ""], "finding · fix", by("fail"), (c) =>
        `${esc(c.message)} ${where(locationOf(c))}<br>**Fix:** ${esc(c.remediation ?? "—")} <br>_${esc(c.refs.join(", "))}_`),
    );
  if (waived)
    blocks.push(
      table([`## ${ICON.waived} Waived (${waived})`, ""], "reason", by("waived"), (c) =>
        `${esc(c.waiver?.reason ?? c.message)}${c.waiver?.expires ? ` (expires ${esc(c.waiver.expires)})` : ""} ${where(c.waiver?.source)}`),
    );
  if (skip) blocks.push(table([`## ${ICON.skip} Skipped (${skip})`, ""], "why", by("skip"), (c) => esc(c.message)));
  if (pass)
    blocks.push(table([`<details><summary>${ICON.pass} Passed (${pass})</summary>`, ""], "evidence", by("pass"), (c) => esc(c.message), ["</details>", ""]));
  return fitBlocks(blocks, more);
}
