// The JSON report is the source every other rendering derives from (DESIGN.md decision 8).
import type { Report } from "../types.ts";

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
