// SARIF 2.1.0 for code scanning. The rules table is the whole catalogue (static, runtime,
// database, workflow and stack checks: title, description, remediation as help, refs);
// results are the failing and waived checks of every kind (waived ones carry an accepted
// suppression), each located (location.ts, sarif-location.ts). Validated against the OASIS schema in
// sarif.test.ts and by Microsoft's SARIF multitool, GitHub's rules too, in
// sarif.multitool.test.ts.
//
// The driver has no informationUri: apex has no public home yet (no homepage or
// repository in package.json, none in README or the design notes), and an invented URL
// would send users somewhere wrong. The multitool's SARIF2005 warns about it; its test
// lowers that one message to a note and says why.
import { CATALOGUE } from "../catalogue.ts";
import type { CheckResult, CheckStatus, Report, Severity } from "../types.ts";
import { locationOrStack } from "./location.ts";
import { physicalLocation } from "./sarif-location.ts";

/**
 * The `category` of the upload-sarif step in .github/workflows/verify.yml. The upload
 * action only fills automationDetails from its category when the log has none, so the
 * log must say the same: "<category>/" (the part before the last slash is the category).
 */
export const CODE_SCANNING_CATEGORY = "apex";

/** What code scanning is told about: what failed, and what was waived (shown as suppressed). */
const REPORTED: ReadonlySet<CheckStatus> = new Set(["fail", "waived"]);

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note" };
const SCORE: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

/** "compose/tmpfs-owner" → "ComposeTmpfsOwner": SARIF's friendly names are Pascal-case identifiers. */
function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
}

function ruleDescriptor(r: { id: string; kind: string; title: string; description?: string; remediation: string; refs: string[]; severity: Severity }) {
  const help = `${r.remediation}\n\nReferences: ${r.refs.join(", ")}`;
  return {
    id: r.id,
    name: pascalCase(r.id),
    shortDescription: { text: r.title },
    fullDescription: { text: r.description ?? r.title },
    help: { text: help, markdown: `**Fix:** ${r.remediation}\n\n**References:** ${r.refs.join(", ")}` },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: { tags: ["security", r.kind, ...r.refs], "security-severity": SCORE[r.severity] },
  };
}

function result(c: CheckResult, ruleIndex: number, composeFiles: string[]) {
  const loc = locationOrStack(c, composeFiles);
  return {
    ruleId: c.id,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVEL[c.severity],
    message: { text: `${c.service ? `[${c.service}] ` : ""}${c.message}` },
    ...(loc ? { locations: [{ physicalLocation: physicalLocation(loc) }] } : {}),
    // Check id and service are unique in a run and the same in every run; lines, paths
    // and times are not, and would turn one finding into a new alert per run.
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
    .filter((c) => REPORTED.has(c.status))
    .map((c) => result(c, index.get(c.id) ?? -1, report.composeFiles));
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
        automationDetails: { id: `${CODE_SCANNING_CATEGORY}/` },
        originalUriBaseIds: { "%SRCROOT%": { description: { text: "repository root" } } },
        properties: { commit: report.git?.commit ?? null, composeFiles: report.composeFiles },
        invocations: [{ executionSuccessful: true, startTimeUtc: report.startedAt, endTimeUtc: report.finishedAt }],
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
