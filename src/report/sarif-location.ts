// Where a SARIF result points. Code scanning drops a result that has no location with a
// region (GitHub's GH1015/GH1017), so every reported result gets one: its own location,
// else its evidence's, else the first compose file's first line, where the stack as a
// whole is declared (stack/* results and results whose service was not located).
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import type { CheckResult, Location } from "../types.ts";

export function resultLocation(c: CheckResult, composeFiles: string[]): Location | undefined {
  const own = c.location ?? c.evidence.find((e) => e.location)?.location;
  if (own) return own;
  return composeFiles[0] ? { file: composeFiles[0], line: 1 } : undefined;
}

/**
 * A repo-relative file is relative to %SRCROOT% (the checkout code scanning maps it to);
 * an absolute one (a compose file outside the repository) stays an honest file: URI.
 */
function artifactLocation(file: string) {
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: file.split("\\").join("/").replace(/^(\.\/)+/, ""), uriBaseId: "%SRCROOT%" };
}

/** A location without a line means the file as a whole: its first line. */
export function physicalLocation(loc: Location) {
  return {
    artifactLocation: artifactLocation(loc.file),
    region: { startLine: loc.line ?? 1, ...(loc.column ? { startColumn: loc.column } : {}) },
  };
}
