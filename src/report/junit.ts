// JUnit XML for CI test tabs: one testsuite per check kind, one testcase per check, each
// with a name unique in its suite, the file and line it is about, and a time that adds up.
// Waived checks are reported as skipped with their reason and where the exemption is
// written, so a CI tab never shows them green and never loses why.
import { XMLBuilder } from "fast-xml-parser";
import type { CheckResult, Location, Report } from "../types.ts";
import { evidenceText } from "./evidence.ts";
import { locationOrStack } from "./location.ts";
import { caseDurations } from "./junit-timing.ts";

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** `id (service)`; a result repeated for one service is numbered, so tabs never merge two. */
function caseNames(checks: CheckResult[]): string[] {
  const seen = new Map<string, number>();
  return checks.map((c) => {
    const base = c.service ? `${c.id} (${c.service})` : c.id;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} #${n}`;
  });
}

/** Where the case points (location.ts); line 1 when none is known: annotations need one. */
function caseLocation(c: CheckResult, report: Report): Required<Pick<Location, "file" | "line">> {
  const at = locationOrStack(c, report.composeFiles) ?? { file: "compose.yaml" };
  return { file: at.file, line: at.line ?? 1 };
}

function skippedMessage(c: CheckResult): string {
  if (c.status !== "waived" || !c.waiver) return c.message;
  const { file, line } = c.waiver.source;
  return `waived: ${c.waiver.reason} (${file}${line ? `:${line}` : ""})`;
}

function testcase(c: CheckResult, name: string, ms: number, report: Report): Record<string, unknown> {
  const { file, line } = caseLocation(c, report);
  const tc: Record<string, unknown> = {
    "@_classname": `apex.${c.kind}.${c.service ?? "stack"}`,
    "@_name": name,
    "@_file": file,
    "@_line": line,
    "@_lineno": line, // CTRF's JUnit reader (junit-to-ctrf) reads the line from `lineno`
    "@_time": seconds(ms),
  };
  if (c.status === "fail")
    tc.failure = {
      "@_message": c.message,
      "@_type": c.severity,
      "#text": [c.title, evidenceText(c.evidence), c.remediation ? `remediation: ${c.remediation}` : ""].filter(Boolean).join("\n\n"),
    };
  if (c.status === "skip" || c.status === "waived") tc.skipped = { "@_message": skippedMessage(c) };
  if (c.status !== "fail" && c.evidence.length) tc["system-out"] = evidenceText(c.evidence);
  return tc;
}

export function renderJunit(report: Report): string {
  const durations = caseDurations(report);
  const kinds = [...new Set(report.checks.map((c) => c.kind))];
  const suites = kinds.map((kind) => {
    const at = report.checks.flatMap((c, i) => (c.kind === kind ? [i] : []));
    const cs = at.map((i) => report.checks[i]!);
    const names = caseNames(cs);
    const ms = at.reduce((a, i) => a + durations[i]!, 0);
    return {
      ms,
      xml: {
        "@_name": `apex.${kind}`,
        "@_tests": cs.length,
        "@_failures": cs.filter((c) => c.status === "fail").length,
        "@_errors": 0,
        "@_skipped": cs.filter((c) => c.status === "skip" || c.status === "waived").length,
        "@_time": seconds(ms),
        "@_timestamp": report.startedAt.replace(/\.\d+Z$/, ""),
        testcase: at.map((i, k) => testcase(report.checks[i]!, names[k]!, durations[i]!, report)),
      },
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
      // the sum of the suites, as readers add it up; setup and teardown belong to no check
      "@_time": seconds(suites.reduce((a, s) => a + s.ms, 0)),
      testsuite: suites.map((s) => s.xml),
    },
  };
  return new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", format: true, suppressEmptyNode: true }).build(doc);
}
