// Fitting Markdown into a PR comment: GitHub refuses a comment (and a step summary) over
// 65,536 characters, so the tables are cut, in the order they appear, with a line saying
// how many rows were left out. Hand-written: no Markdown library budgets output length.

export const PR_COMMENT_LIMIT = 65_536;

/** A GFM table with what comes before and after it (heading, a fold's closing tag). */
export interface TableBlock {
  before: string[];
  header: string[];
  rows: string[];
  after: string[];
}
export type Block = string[] | TableBlock;

const isTable = (b: Block): b is TableBlock => !Array.isArray(b);
const size = (lines: string[]) => lines.reduce((n, l) => n + l.length + 1, 0); // each line and its "\n"

/** Cut text to at most `max` characters (whole code points), marking the cut with "…". */
export function clipText(s: string, max: number): string {
  if (s.length <= max) return s;
  let out = "";
  for (const ch of s) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/**
 * Join the blocks, keeping every line that is not a table row and as many rows as fit in
 * `limit`, earlier tables first. Once a table is cut, the later ones show no rows: the
 * reader sees what matters most (failures) rather than a sample of everything. Each cut
 * table ends with a paragraph `more(n)` (a blank line first, so it is not read as a row).
 */
export function fitBlocks(blocks: Block[], more: (n: number) => string, limit = PR_COMMENT_LIMIT): string {
  // Everything but the rows is always written, with room reserved for each table's cut line.
  const fixed = blocks.reduce((n, b) => n + (isTable(b) ? size(b.before) + size(b.header) + size(b.after) + size(["", more(b.rows.length)]) : size(b)), 0);
  let room = limit - fixed;
  let cut = false;
  const out: string[] = [];
  for (const b of blocks) {
    if (!isTable(b)) {
      out.push(...b);
      continue;
    }
    const kept: string[] = [];
    for (const row of cut ? [] : b.rows) {
      if (row.length + 1 > room) break;
      kept.push(row);
      room -= row.length + 1;
    }
    if (kept.length < b.rows.length) cut = true;
    out.push(...b.before);
    if (kept.length) out.push(...b.header, ...kept);
    if (kept.length < b.rows.length) out.push(...(kept.length ? [""] : []), more(b.rows.length - kept.length));
    out.push(...b.after);
  }
  return out.join("\n");
}
