// Reports name files relative to the repository, never as the absolute paths of the machine
// that ran apex: those say nothing to a reviewer, differ between runs and leak the runner's
// layout. Applied once, where the report is built, so every rendering gets it.
import { execFileSync } from "node:child_process";

/** The checkout's top directory (git's), or the working directory outside a git tree. */
export function repositoryRoot(cwd = process.cwd()): string {
  try {
    return execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || cwd;
  } catch {
    return cwd;
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A copy of `value` in which every string has `root/x` written `x` and `root` itself `.`.
 *  Only whole path components match: `/root-old/x` and `/mnt/root/x` are other paths. */
export function relativePaths<T>(value: T, root: string): T {
  const base = root.replace(/\/+$/, "");
  if (!base) return value;
  const re = new RegExp(`(?<![\\w.\\-/~])${escapeRegExp(base)}(?:/|(?![\\w.\\-]))`, "g");
  const fix = (v: unknown): unknown => {
    if (typeof v === "string") return v.replace(re, (m) => (m.endsWith("/") ? "" : "."));
    if (Array.isArray(v)) return v.map(fix);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fix(x)]));
    return v;
  };
  return fix(value) as T;
}
