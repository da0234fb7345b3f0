// Where a result points, the same in every rendering: its own location (or, since build.ts
// `locate`, its service's line), else the first one its evidence carries. A report saved by
// an older apex may hold results located only through their evidence.
import type { CheckResult, Location } from "../types.ts";

export const locationOf = (c: CheckResult): Location | undefined => c.location ?? c.evidence.find((e) => e.location)?.location;

/** For formats that need a place for every result (SARIF, JUnit): stack-wide results
 *  point at the first compose file, where the stack as a whole is declared. */
export function locationOrStack(c: CheckResult, composeFiles: string[]): Location | undefined {
  return locationOf(c) ?? (composeFiles[0] ? { file: composeFiles[0], line: 1 } : undefined);
}
