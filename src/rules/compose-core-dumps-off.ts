// Core dumps off (`ulimits: { core: 0 }`, soft and hard): a crash then never writes the
// process's memory, its secrets included, to a file. Without it the container inherits the
// daemon's limit, often unlimited. `docker compose config --format json` omits zero fields:
// `core: 0` prints as `{}`, `{soft: 0, hard: 1000}` as `{hard: 1000}`, so a missing soft or
// hard in the resolved object is 0 (which is what Docker applies).
import { keyLocation, verdict, type Rule } from "../model.ts";

/** soft and hard of a resolved `ulimits.core`, undefined when it is not set. */
export function coreLimit(v: unknown): { soft: number; hard: number } | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number" || typeof v === "string") return { soft: Number(v), hard: Number(v) };
  const o = v as { soft?: number | string; hard?: number | string };
  return { soft: Number(o.soft ?? 0), hard: Number(o.hard ?? 0) };
}

export const composeCoreDumpsOff: Rule = {
  id: "compose/core-dumps-off",
  title: "Core dumps off (ulimits core 0)",
  kind: "static",
  severity: "medium",
  refs: ["CIS 5.19"],
  remediation: "Set `ulimits: { core: 0 }` in the anchor; a service with ulimits of its own repeats `core: 0` (a merge key does not reach into the map).",
  check(s) {
    const loc = keyLocation(s, "ulimits");
    const core = coreLimit((s.resolved.ulimits ?? {}).core);
    const actual = core ? `soft ${core.soft}, hard ${core.hard}` : "unset (the daemon's limit)";
    return verdict(
      !core || core.soft !== 0 || core.hard !== 0 ? [{ message: `ulimits core ${actual}`, location: loc, evidence: { property: "ulimits.core", expected: "0 (soft and hard)", actual, location: loc } }] : [],
      "core dumps off (core 0)",
    );
  },
};
