// Secrets never leave a run: every string apex writes (report files, progress, errors) goes
// through redact(). The values come from the generated secret files themselves, so a new
// secret is covered the moment it exists.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export const MASK = "[redacted]";

/** Secret values found in `dir` (each file's content and each whitespace/colon-separated token of 8+ chars). */
export function loadSecretValues(dir = "infra/secrets"): string[] {
  const values = new Set<string>();
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      if (!statSync(path).isFile()) continue;
      const text = readFileSync(path, "utf8").trim();
      if (text.length >= 8) values.add(text);
      // Derived files (userlists, ACLs) embed the password among other tokens.
      for (const tok of text.split(/[\s:"'>]+/)) if (tok.length >= 12) values.add(tok);
    } catch {
      /* unreadable: nothing to redact from it */
    }
  }
  // Longest first so that a value containing another is masked whole.
  return [...values].sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}

/** Deep copy of any JSON value with every string redacted. */
export function redactDeep<T>(value: T, secrets: string[]): T {
  if (secrets.length === 0) return value;
  return JSON.parse(JSON.stringify(value), (_k, v) => (typeof v === "string" ? redact(v, secrets) : v)) as T;
}
