// The security document's capability matrix, generated from the same sources verify
// reads (resolved compose, exemptions, static checks), so the document cannot drift.
import { readFileSync, writeFileSync } from "node:fs";
import type { ComposeTarget } from "../docker.ts";
import { loadExemptions } from "../exemptions.ts";
import { runPolicy } from "../policy.ts";
import { loadResolvedCompose } from "../sources/compose.ts";
import { buildMatrix, extractMatrix, matrixMarkdown, spliceMatrix } from "./matrix.ts";

export const SECURITY_DOC = "docs/security.md";

export async function generateMatrixTable(target: ComposeTarget, exemptionsFile: string): Promise<string> {
  const model = await loadResolvedCompose(target);
  const exemptions = loadExemptions(exemptionsFile, Object.keys(model.services));
  const checks = await runPolicy({ target, exemptionsFile, readImages: false });
  return matrixMarkdown(buildMatrix(model, exemptions, checks));
}

export function documentedMatrix(doc = SECURITY_DOC): string | null {
  return extractMatrix(readFileSync(doc, "utf8"));
}

export function writeDocumentedMatrix(table: string, doc = SECURITY_DOC): void {
  writeFileSync(doc, spliceMatrix(readFileSync(doc, "utf8"), table));
}
