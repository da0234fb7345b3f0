// How a file is named in errors, findings and SARIF locations: relative to the repository
// (what code scanning maps to the tree), or absolute when it lies outside it, where a
// "../../tmp/x.yaml" would only confuse.
import { isAbsolute, relative, resolve } from "node:path";

export function shownPath(root: string, file: string): string {
  const rel = relative(root, file);
  if (rel === "") return file;
  return rel.startsWith("..") || isAbsolute(rel) ? resolve(file) : rel;
}
