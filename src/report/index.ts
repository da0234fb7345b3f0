// Renderers registered by format name (goss style): each is a pure function of the Report.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Format } from "../cli.ts";
import { UsageError } from "../errors.ts";
import { redact, redactDeep } from "../redact.ts";
import type { Report } from "../types.ts";
import { renderHtml } from "./html.ts";
import { renderJson } from "./json.ts";
import { renderJunit } from "./junit.ts";
import { renderMarkdown } from "./md.ts";
import { renderSarif } from "./sarif.ts";

export type Renderer = (r: Report) => string;

export const renderers: Record<Format, Renderer> = {
  json: renderJson,
  md: renderMarkdown,
  sarif: renderSarif,
  junit: renderJunit,
  html: renderHtml,
};

export const FILE_NAMES: Record<Format, string> = {
  json: "report.json",
  md: "report.md",
  sarif: "report.sarif",
  junit: "report.junit.xml",
  html: "report.html",
};

/** `--out -`: the report goes to stdout, as hadolint and trivy print their chosen format. */
export const STDOUT = "-";

/** stdout holds one document: `--out -` with several formats is a usage error, found before any work. */
export function checkOut(outDir: string, formats: Format[]): void {
  const chosen = [...new Set(formats)];
  if (outDir === STDOUT && chosen.length !== 1)
    throw new UsageError(`--out - writes one format to stdout, not ${chosen.length} (${chosen.join(", ")}): choose one with --format`);
}

/** Write each requested format into outDir (or the one format to stdout for `--out -`);
 *  returns the paths written, none when the report went to stdout. */
export function writeReport(report: Report, formats: Format[], outDir: string): string[] {
  checkOut(outDir, formats);
  // every command's report, whatever wrote it, with the run's secrets masked
  const safe = redactDeep(report);
  const render = [...new Set(formats)].map((f) => {
    const r = renderers[f];
    if (!r) throw new UsageError(`unknown report format "${f}"`);
    return [join(outDir, FILE_NAMES[f]), redact(r(safe))] as const;
  });
  if (outDir === STDOUT) {
    process.stdout.write(render[0]![1]);
    return [];
  }
  mkdirSync(outDir, { recursive: true });
  for (const [path, text] of render) writeFileSync(path, text);
  return render.map(([p]) => p);
}
