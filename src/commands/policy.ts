// `apex policy`: static checks only (no running stack needed). Writes the report files,
// prints a short summary (failures first) and returns 0 pass / 1 a check failed;
// bad input throws UsageError, which cli.ts turns into one line and exit 2.
import type { CommonOptions } from "../cli.ts";
import { EXIT_FAIL, EXIT_PASS } from "../errors.ts";
import { runPolicy } from "../policy.ts";
import { serviceLocations } from "../sources/composeRaw.ts";
import { buildReport } from "../report/build.ts";
import { writeReport } from "../report/index.ts";
import { loadSecretValues, secretDirsOf, useSecrets } from "../redact.ts";
import type { Report } from "../types.ts";
import { createOutput, type Output } from "./output.ts";

export interface PolicyCliOptions extends CommonOptions {
  exemptions?: string;
  images: boolean;
}

const short = (s: string) => (s.length > 90 ? `${s.slice(0, 89)}…` : s);

/** One line per failed or waived check, failures first as the report orders them. */
export function summaryLines(report: Report, paint: Output["paint"] = (w) => w): string[] {
  const lines: string[] = [];
  for (const c of report.checks) {
    if (c.status !== "fail" && c.status !== "waived") continue;
    const at = c.location ? ` ${c.location.file}${c.location.line ? `:${c.location.line}` : ""}` : "";
    const why = c.status === "fail" ? c.message : `waived (${c.waiver?.source.file}:${c.waiver?.source.line}): ${short(c.waiver?.reason ?? "")}`;
    lines.push(`${c.status === "fail" ? paint("FAIL  ", "fail") : paint("WAIVED", "waived")} ${c.service ?? "-"} ${c.id}${at}: ${why}`);
  }
  return lines;
}

export function resultLine(report: Report, paint: Output["paint"] = (w) => w): string {
  const s = report.summary;
  return `apex policy: ${paint(report.status.toUpperCase(), report.status)} — ${s.fail} failed, ${s.waived} waived, ${s.skip} skipped, ${s.pass} passed`;
}

export async function run(opts: PolicyCliOptions): Promise<number> {
  const startedAt = new Date();
  const target = { files: opts.compose, profiles: opts.profile, projectName: opts.projectName };
  const checks = await runPolicy({
    target, exemptionsFile: opts.exemptions, readImages: opts.images !== false, selection: opts.selection,
    onResolved: (m) => useSecrets(loadSecretValues(secretDirsOf(m))),
  });
  const durationMs = Date.now() - startedAt.getTime();
  const report = buildReport({
    command: "policy",
    startedAt,
    checks,
    composeFiles: opts.compose,
    project: opts.projectName,
    serviceLocations: serviceLocations(target.files, process.cwd()),
    phases: [{ name: "policy", status: checks.some((c) => c.status === "fail") ? "fail" : "pass", durationMs }],
  });
  const paths = writeReport(report, opts.format, opts.out);
  const out = createOutput(opts);
  for (const line of summaryLines(report, out.paint)) out.detail(line);
  out.result(resultLine(report, out.paint));
  if (paths.length) out.detail(`report: ${paths.join(", ")}`);
  return report.status === "pass" ? EXIT_PASS : EXIT_FAIL;
}
