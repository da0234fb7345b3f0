// `apex checks` lists the catalogue; `apex explain ID` prints one check's documentation and
// where its code and tests are (found by the id's literal in the source tree, so the answer
// cannot go stale).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { CATALOGUE, findCheck } from "../catalogue.ts";
import { EXIT_PASS, UsageError } from "../errors.ts";
import { anchor } from "../report/checks-doc.ts";
import type { CheckKind, CheckMeta } from "../types.ts";

const SRC = fileURLToPath(new URL("..", import.meta.url));
const ROOT = join(SRC, "..");
const KINDS: CheckKind[] = ["static", "runtime", "database", "workflow"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" || e.name === "testdata" ? [] : sourceFiles(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

/** The file that defines the check, and the test files that name it. */
export function whereIs(c: CheckMeta): { code?: string; tests: string[] } {
  const files = sourceFiles(SRC).map((f) => ({ f, text: readFileSync(f, "utf8") }));
  const rel = (f: string) => relative(ROOT, f);
  const code = files.find(({ f, text }) => !f.endsWith(".test.ts") && text.includes(`id: "${c.id}"`));
  const names = [c.id, ...(c.aliases ?? [])];
  const tests = files.filter(({ f, text }) => f.endsWith(".test.ts") && names.some((n) => text.includes(`"${n}"`))).map(({ f }) => rel(f));
  return { code: code && rel(code.f), tests };
}

export function explainText(c: CheckMeta): string {
  const { code, tests } = whereIs(c);
  return [
    `${c.id}  (${c.kind}, ${c.severity})`,
    c.title,
    ...(c.description ? ["", c.description] : []),
    "",
    `fix:        ${c.remediation}`,
    `refs:       ${c.refs.join(", ") || "none"}`,
    ...(c.aliases?.length ? [`former ids: ${c.aliases.join(", ")}`] : []),
    `code:       ${code ?? "(not found under src/)"}`,
    `tests:      ${tests.join(", ") || "(none name it)"}`,
    `docs:       docs/checks.md#${anchor(c.id)}`,
  ].join("\n");
}

export async function runChecks(opts: { kind?: string; format?: string }): Promise<number> {
  if (opts.kind && !KINDS.includes(opts.kind as CheckKind)) throw new UsageError(`--kind ${opts.kind}: choose from ${KINDS.join(", ")}`);
  const list = CATALOGUE.filter((c) => !opts.kind || c.kind === opts.kind);
  if (opts.format === "json") process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
  else if (opts.format && opts.format !== "text") throw new UsageError(`--format ${opts.format}: choose text or json`);
  else {
    const w = Math.max(...list.map((c) => c.id.length));
    for (const c of list) process.stdout.write(`${c.id.padEnd(w)}  ${c.kind.padEnd(8)} ${c.severity.padEnd(8)} ${c.title}\n`);
    process.stdout.write(`${list.length} checks; \`apex explain ID\` for one of them\n`);
  }
  return EXIT_PASS;
}

export async function runExplain(id: string): Promise<number> {
  const c = findCheck(id);
  if (!c) throw new UsageError(`no check "${id}" (list them with \`apex checks\`)`);
  process.stdout.write(`${explainText(c)}\n`);
  return EXIT_PASS;
}
