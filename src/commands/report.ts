// `apex report --from report.json --format ...`: re-render a saved report. The input is
// checked against the report contract first, so a wrong file is one clear line, exit 2.
import { EXIT_FAIL, EXIT_PASS } from "../errors.ts";
import { readReport } from "../report/validate.ts";
import { writeReport } from "../report/index.ts";
import type { Format } from "../cli.ts";

export interface ReportOptions {
  from: string;
  format?: Format[];
  out: string;
  quiet?: boolean;
}

export async function run(opts: ReportOptions): Promise<number> {
  const report = readReport(opts.from);
  const files = await writeReport(report, opts.format?.length ? opts.format : ["md", "html"], opts.out);
  // the paths written, one a line (none when the report itself went to stdout)
  if (files.length && !opts.quiet) process.stdout.write(`${files.join("\n")}\n`);
  // The exit code carries the saved verdict, so `apex report` can gate a later CI step.
  return report.status === "pass" ? EXIT_PASS : EXIT_FAIL;
}
