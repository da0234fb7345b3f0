// docs/checks.md: every check of the catalogue, generated (`npm run docs:checks`), so the
// documentation is the catalogue's and cannot drift from it.
import { CATALOGUE } from "../catalogue.ts";
import type { CheckKind } from "../types.ts";

export const CHECKS_DOC = "docs/checks.md";

const KIND_TITLE: Record<CheckKind, string> = {
  static: "Static rules (compose, Dockerfiles, image config)",
  runtime: "Runtime probes (inside each running container)",
  database: "Database posture (SQL probes of the live cluster)",
  workflow: "Workflow and stack checks (operations under the posture)",
};

/** The heading anchor of a check in docs/checks.md (GitHub's slug of "### <id>"). */
export const anchor = (id: string) => id.replace(/[^a-z0-9]+/gi, "-").toLowerCase();

export function checksMarkdown(): string {
  const out = [
    "# Checks",
    "",
    "Generated from the catalogue (`src/catalogue.ts`) by `npm run docs:checks`; do not edit by hand.",
    "`npx apex explain ID` prints the same for one check, with where its code and tests are.",
    "",
  ];
  for (const kind of Object.keys(KIND_TITLE) as CheckKind[]) {
    const list = CATALOGUE.filter((c) => c.kind === kind);
    out.push(`## ${KIND_TITLE[kind]}`, "", "| id | severity | title | refs |", "| --- | --- | --- | --- |");
    for (const c of list) out.push(`| [\`${c.id}\`](#${anchor(c.id)}) | ${c.severity} | ${c.title} | ${c.refs.join(", ")} |`);
    out.push("");
    for (const c of list) {
      out.push(`### ${c.id}`, "", c.title + ".", "");
      if (c.description) out.push(c.description, "");
      out.push(`- severity: ${c.severity}`, `- refs: ${c.refs.join(", ")}`, `- fix: ${c.remediation}`);
      if (c.aliases?.length) out.push(`- former ids: ${c.aliases.map((a) => `\`${a}\``).join(", ")}`);
      out.push("");
    }
  }
  return out.join("\n");
}
