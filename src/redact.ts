// Secrets never leave a run: every string apex writes (report files, progress, errors) goes
// through redact(). The values come from the secret files themselves (every file under the
// secrets directories the stack uses, at any depth), so a new secret is covered the moment
// it exists; their encoded forms (base64 at every alignment, URL encoding) are covered too.
// Text that is cut short is redacted first (clip), so no cut can leave half a secret.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { ResolvedCompose } from "./sources/compose.ts";

export const MASK = "[redacted]";

function filesUnder(dir: string, depth = 0): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    try {
      const st = statSync(path);
      if (st.isDirectory()) return depth < 6 ? filesUnder(path, depth + 1) : [];
      return st.isFile() && st.size <= 1 << 20 ? [path] : [];
    } catch {
      return [];
    }
  });
}

/** base64 of `s` at each of the three byte alignments it can have inside longer data: the
 *  part of each encoding that depends on the secret's bytes alone. */
export function base64Forms(s: string): string[] {
  const bytes = Buffer.from(s, "utf8");
  const out: string[] = [];
  for (const k of [0, 1, 2]) {
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString("base64").replace(/=+$/, "");
    const start = k === 0 ? 0 : 4; // the first group mixes the pad bytes in
    const end = (k + bytes.length) % 3 === 0 ? enc.length : enc.length - 4; // so may the last
    const core = enc.slice(start, Math.max(start, end));
    if (core.length >= 8) out.push(core, core.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return out;
}

/** Secret values in `dirs` (each file's content and each separated token of 12+ chars), with their encoded forms. */
export function loadSecretValues(dirs: string[] = [process.env.APEX_SECRETS_DIR ?? "infra/secrets"]): string[] {
  const values = new Set<string>();
  for (const path of [...new Set(dirs.map((d) => resolve(d)))].flatMap((d) => filesUnder(d))) {
    let text: string;
    try {
      text = readFileSync(path, "utf8").trim();
    } catch {
      continue; // unreadable: nothing to redact from it
    }
    const raw = [...(text.length >= 8 ? [text] : []), ...text.split(/[\s:"'>#]+/).filter((t) => t.length >= 12)];
    for (const v of raw) {
      values.add(v);
      const url = encodeURIComponent(v);
      if (url !== v) values.add(url);
      for (const b of base64Forms(v)) values.add(b);
    }
  }
  // Longest first so that a value containing another is masked whole.
  return [...values].sort((a, b) => b.length - a.length);
}

/** The directories a stack's file secrets live in (however compose was configured), and the default one. */
export function secretDirsOf(model: ResolvedCompose | undefined): string[] {
  const files = Object.values(model?.secrets ?? {}).map((s) => s.file).filter((f): f is string => !!f);
  // a secret's directory, and its parent when the layout is one directory per consumer
  const dirs = files.flatMap((f) => [dirname(f), ...(/\/uid-\d+$/.test(dirname(f)) ? [dirname(dirname(f))] : [])]);
  return [...new Set([process.env.APEX_SECRETS_DIR ?? "infra/secrets", ...dirs])];
}

export function redact(text: string, secrets: string[] = current): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}

/** Deep copy of any JSON value with every string redacted. */
export function redactDeep<T>(value: T, secrets: string[] = current): T {
  if (secrets.length === 0) return value;
  return JSON.parse(JSON.stringify(value), (_k, v) => (typeof v === "string" ? redact(v, secrets) : v)) as T;
}

// The run's secrets, for code that cuts text short far from where the run began (evidence).
let current: string[] = loadSecretValues();
export function useSecrets(values: string[]): void {
  current = values;
}

/** Redact, then keep at most `max` characters: the head, the tail, or both around "...". */
export function clip(text: string, max: number, keep: "head" | "tail" | "both" = "tail"): string {
  const t = redact(text);
  if (t.length <= max) return t;
  if (keep === "head") return t.slice(0, max);
  if (keep === "tail") return t.slice(-max);
  return `${t.slice(0, max / 2)}\n...\n${t.slice(-max / 2)}`;
}
