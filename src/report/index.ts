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

/** Write each requested format into outDir; returns the paths written. */
export function writeReport(report: Report, formats: Format[], outDir: string): string[] {
  // every command's report, whatever wrote it, with the run's secrets masked
  const safe = redactDeep(report);
  const render = [...new Set(formats)].map((f) => {
    const r = renderers[f];
    if (!r) throw new UsageError(`unknown report format "${f}"`);
    return [join(outDir, FILE_NAMES[f]), redact(r(safe))] as const;
  });
  mkdirSync(outDir, { recursive: true });
  for (const [path, text] of render) writeFileSync(path, text);
  return render.map(([p]) => p);
}
