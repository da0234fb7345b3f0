// Load a canned case (captured by capture.ts from a real container) into ServiceFacts.
import { readFileSync } from "node:fs";
import type { ServiceFacts } from "../facts.ts";
import { declaredFacts, inspectFacts } from "../model.ts";
import { parseGather } from "../parse.ts";

const read = (c: string, f: string) => readFileSync(new URL(`./cases/${c}/${f}`, import.meta.url), "utf8");

export const CASES = [
  "intact", "caps-kept", "root-user", "writable-root", "tmpfs-root-owned", "nnp-missing",
  "seccomp-unconfined", "root-drop-setpriv", "root-drop-su", "noshell", "noshell-named-user",
] as const;

export function loadCase(name: string): ServiceFacts {
  const meta = JSON.parse(read(name, "meta.json"));
  const inspect = inspectFacts(JSON.parse(read(name, "inspect.json")));
  const gathered = parseGather(read(name, "gather.txt"), { ...meta, stderr: "" });
  return {
    service: name,
    container: inspect.name,
    declared: declaredFacts(JSON.parse(read(name, "service.json"))),
    inspect,
    gathered,
    // captured alone, with no other service to be cut off from: nothing to try
    reach: { command: [], attempts: [] },
  };
}
