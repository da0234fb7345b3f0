// Evidence as plain text, shared by the renderers that show it to people or CI tabs.
import type { Evidence } from "../types.ts";

export function evidenceText(ev: Evidence[]): string {
  return ev
    .map((e) => {
      const lines: string[] = [];
      if (e.property) lines.push(`${e.property}: expected ${e.expected ?? "—"}, actual ${e.actual ?? "—"}`);
      else if (e.actual !== undefined) lines.push(`actual: ${e.actual}`);
      if (e.location) lines.push(`at ${e.location.file}${e.location.line ? `:${e.location.line}` : ""}`);
      if (e.command) lines.push(`$ ${e.command.join(" ")}${e.exitCode !== undefined ? `  (exit ${e.exitCode})` : ""}`);
      if (e.output) lines.push(e.output);
      if (e.note) lines.push(e.note);
      return lines.join("\n");
    })
    .join("\n\n");
}
