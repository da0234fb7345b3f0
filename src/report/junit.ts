// JUnit XML for CI test tabs: one testsuite per check kind, one testcase per check.
// Waived checks are reported as skipped with their reason, so a CI tab never shows them green.
import { XMLBuilder } from "fast-xml-parser";
import type { CheckResult, Report } from "../types.ts";
import { evidenceText } from "./evidence.ts";

const seconds = (ms?: number) => ((ms ?? 0) / 1000).toFixed(3);

function testcase(c: CheckResult): Record<string, unknown> {
  const tc: Record<string, unknown> = {
    "@_classname": `apex.${c.kind}.${c.service ?? "stack"}`,
    "@_name": c.id,
    "@_time": seconds(c.durationMs),
  };
  if (c.status === "fail")
    tc.failure = {
      "@_message": c.message,
      "@_type": c.severity,
      "#text": [c.title, evidenceText(c.evidence), c.remediation ? `remediation: ${c.remediation}` : ""].filter(Boolean).join("\n\n"),
    };
  if (c.status === "skip") tc.skipped = { "@_message": c.message };
  if (c.status === "waived") tc.skipped = { "@_message": `waived: ${c.waiver?.reason ?? c.message}` };
  if (c.status !== "fail" && c.evidence.length) tc["system-out"] = evidenceText(c.evidence);
  return tc;
}

export function renderJunit(report: Report): string {
  const kinds = [...new Set(report.checks.map((c) => c.kind))];
  const suites = kinds.map((kind) => {
    const cs = report.checks.filter((c) => c.kind === kind);
    const phaseMs = report.phases.filter((p) => p.name === (kind === "static" ? "policy" : kind === "runtime" ? "probe" : kind === "database" ? "database" : "workflow")).reduce((a, p) => a + p.durationMs, 0);
    return {
      "@_name": `apex.${kind}`,
      "@_tests": cs.length,
      "@_failures": cs.filter((c) => c.status === "fail").length,
      "@_errors": 0,
      "@_skipped": cs.filter((c) => c.status === "skip" || c.status === "waived").length,
      "@_time": seconds(phaseMs),
      "@_timestamp": report.startedAt.replace(/\.\d+Z$/, ""),
      testcase: cs.map(testcase),
    };
  });
  const doc = {
    "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
    testsuites: {
      "@_name": `apex ${report.command}`,
      "@_tests": report.checks.length,
      "@_failures": report.summary.fail,
      "@_errors": 0,
      "@_skipped": report.summary.skip + report.summary.waived,
      "@_time": seconds(Date.parse(report.finishedAt) - Date.parse(report.startedAt)),
      testsuite: suites,
    },
  };
  return new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", format: true, suppressEmptyNode: true }).build(doc);
}
