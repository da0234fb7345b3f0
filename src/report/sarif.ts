// SARIF 2.1.0 for code scanning. The rules table is the whole catalogue (static, runtime,
// workflow and stack checks: title, description, remediation as help, refs); results are
// failing and waived static checks (waived ones carry an accepted suppression), each with
// a repo-relative physicalLocation. Validated against the OASIS schema in sarif.test.ts.
import { CATALOGUE } from "../catalogue.ts";
import type { CheckResult, Report, Severity } from "../types.ts";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note" };
const SCORE: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

function ruleDescriptor(r: { id: string; kind: string; title: string; description?: string; remediation: string; refs: string[]; severity: Severity }) {
  const help = `${r.remediation}\n\nReferences: ${r.refs.join(", ")}`;
  return {
    id: r.id,
    name: r.id.replace(/[^A-Za-z0-9]+(.)?/g, (_: string, c?: string) => (c ? c.toUpperCase() : "")),
    shortDescription: { text: r.title },
    fullDescription: { text: r.description ?? r.title },
    help: { text: help, markdown: `**Fix:** ${r.remediation}\n\n**References:** ${r.refs.join(", ")}` },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: { tags: ["security", r.kind, ...r.refs], "security-severity": SCORE[r.severity] },
  };
}

function result(c: CheckResult, ruleIndex: number) {
  const loc = c.location ?? c.evidence.find((e) => e.location)?.location;
  return {
    ruleId: c.id,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVEL[c.severity],
    message: { text: `${c.service ? `[${c.service}] ` : ""}${c.message}` },
    ...(loc
      ? {
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: loc.file.split("\\").join("/"), uriBaseId: "%SRCROOT%" },
                ...(loc.line ? { region: { startLine: loc.line, ...(loc.column ? { startColumn: loc.column } : {}) } } : {}),
              },
            },
          ],
        }
      : {}),
    partialFingerprints: { apexCheck: `${c.id}/${c.service ?? "-"}` },
    ...(c.status === "waived"
      ? { suppressions: [{ kind: "external", status: "accepted", justification: c.waiver?.reason ?? c.message }] }
      : {}),
    properties: { service: c.service, refs: c.refs },
  };
}

export function renderSarif(report: Report): string {
  // Every check of the catalogue, plus any check in the report it does not know (a report
  // written by another apex version still renders).
  const known = new Set(CATALOGUE.map((r) => r.id));
  const extra = new Map<string, CheckResult>();
  for (const c of report.checks) if (!known.has(c.id)) extra.set(c.id, c);
  const descriptors = [
    ...CATALOGUE.map(ruleDescriptor),
    ...[...extra.values()].map((c) => ruleDescriptor({ ...c, remediation: c.remediation ?? c.title })),
  ];
  const index = new Map(descriptors.map((d, i) => [d.id, i]));
  const results = report.checks
    .filter((c) => c.kind === "static" && (c.status === "fail" || c.status === "waived"))
    .map((c) => result(c, index.get(c.id) ?? -1));
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "apex",
            version: report.tool.version,
            rules: descriptors,
          },
        },
        automationDetails: { id: `apex/${report.command}/` },
        originalUriBaseIds: { "%SRCROOT%": { description: { text: "repository root" } } },
        properties: { commit: report.git?.commit ?? null, composeFiles: report.composeFiles },
        invocations: [{ executionSuccessful: true, startTimeUtc: report.startedAt, endTimeUtc: report.finishedAt }],
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
