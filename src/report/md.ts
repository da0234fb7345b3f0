// Markdown for PR summaries: failures first with where and how to fix, then waivers with
// their reasons, then skips; passes are folded away.
import type { CheckResult, Location, Report } from "../types.ts";

const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const where = (l?: Location) => (l ? `\`${l.file}${l.line ? `:${l.line}` : ""}\`` : "");
const ICON = { pass: "✅", fail: "❌", waived: "⚪", skip: "⏭️" } as const;

function table(rows: CheckResult[], extra: (c: CheckResult) => string, header: string): string[] {
  return [
    `| service | check | ${header} |`,
    "| --- | --- | --- |",
    ...rows.map((c) => `| ${c.service ?? "—"} | \`${c.id}\` ${esc(c.title)} | ${esc(extra(c))} |`),
    "",
  ];
}

export function renderMarkdown(report: Report): string {
  const by = (s: CheckResult["status"]) => report.checks.filter((c) => c.status === s);
  const { pass, fail, skip, waived } = report.summary;
  const out = [
    `# apex ${report.command}: ${report.status === "pass" ? "✅ pass" : "❌ fail"}`,
    "",
    `${fail} failed · ${waived} waived · ${skip} skipped · ${pass} passed — compose: ${report.composeFiles.map((f) => `\`${f}\``).join(", ") || "—"}${report.git?.commit ? ` — commit \`${report.git.commit.slice(0, 12)}\`${report.git.dirty ? " (dirty)" : ""}` : ""}`,
    "",
  ];
  if (report.phases.length) {
    out.push("| phase | status | seconds |", "| --- | --- | --- |");
    for (const p of report.phases) out.push(`| ${p.name} | ${p.status} | ${(p.durationMs / 1000).toFixed(1)} |`);
    out.push("");
  }
  if (fail) {
    out.push(`## ${ICON.fail} Failed (${fail})`, "");
    out.push(...table(by("fail"), (c) => `${c.message} ${where(c.location)}<br>**Fix:** ${c.remediation ?? "—"} <br>_${c.refs.join(", ")}_`, "finding · fix"));
  }
  if (waived) {
    out.push(`## ${ICON.waived} Waived (${waived})`, "");
    out.push(...table(by("waived"), (c) => `${c.waiver?.reason ?? c.message}${c.waiver?.expires ? ` (expires ${c.waiver.expires})` : ""} ${where(c.waiver?.source)}`, "reason"));
  }
  if (skip) {
    out.push(`## ${ICON.skip} Skipped (${skip})`, "");
    out.push(...table(by("skip"), (c) => c.message, "why"));
  }
  if (pass) {
    out.push(`<details><summary>${ICON.pass} Passed (${pass})</summary>`, "");
    out.push(...table(by("pass"), (c) => c.message, "evidence"));
    out.push("</details>", "");
  }
  return out.join("\n");
}
