// A SARIF physicalLocation for a result's location (location.ts picks it). Code scanning
// drops a result that has no location with a region (GitHub's GH1015/GH1017), so every
// location gets a region.
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import type { Location } from "../types.ts";

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
