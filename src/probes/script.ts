// The one sh script that gathers every runtime fact in a single `docker exec` (or a sidecar
// sharing the target's PID namespace). It lives in gather.sh so it can be read and run by
// hand; it is passed as ONE argv element (`sh -c SCRIPT apex-probe NONCE MODE UID GID PATH...`),
// never interpolated into a shell string.
import { readFileSync } from "node:fs";

export const SECTION_PREFIX = "@@apex:";
export const GATHER_SCRIPT = readFileSync(new URL("./gather.sh", import.meta.url), "utf8");

export type GatherMode = "exec" | "sidecar";

/** argv after `sh`: the script and its positional parameters. */
export function gatherArgs(nonce: string, mode: GatherMode, uid = "", gid = "", paths: string[] = []): string[] {
  return ["-c", GATHER_SCRIPT, "apex-probe", nonce, mode, uid, gid, ...paths];
}
