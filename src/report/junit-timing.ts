// How long each check took, as a CI test tab adds times up: a phase's wall-clock time is
// shared among the checks that phase made, so a suite (the sum of its cases) never claims
// more than the run spent, even where workflows ran side by side, and stack/build carries
// the build's time rather than 0.
import { STACK_CHECKS } from "../stack/checks.ts";
import type { CheckKind, CheckResult, Report } from "../types.ts";

/** The phases of verify (progress names) that make the stack/* checks. stack/service-not-run
 *  is a note that setup and build take about what could not run: no time of its own. */
const PHASE_OF_STACK_CHECK: Record<string, string> = {
  [STACK_CHECKS.hostGuard.id]: "host-guard",
  [STACK_CHECKS.build.id]: "build",
  [STACK_CHECKS.healthy.id]: "up",
};
const PHASE_OF_KIND: Record<CheckKind, string> = { static: "policy", runtime: "probe", database: "database", workflow: "workflow" };

/** The phase whose time a check carries, if any. */
export function phaseOf(c: CheckResult): string | undefined {
  return c.id.startsWith("stack/") ? PHASE_OF_STACK_CHECK[c.id] : PHASE_OF_KIND[c.kind];
}

/**
 * `total` split into whole parts in proportion to `weights` (equal parts when nothing
 * weighs anything), rounded by largest remainder so the parts add up to `total` exactly.
 * Hand-written: a few lines, and the npm packages for it are barely used.
 */
export function share(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, w) => a + w, 0);
  const exact = weights.map((w) => (sum > 0 ? (total * w) / sum : total / weights.length));
  const parts = exact.map(Math.floor);
  const left = Math.round(total) - parts.reduce((a, p) => a + p, 0);
  const byRemainder = exact.map((x, i) => ({ i, rest: x - parts[i]! })).sort((a, b) => b.rest - a.rest);
  for (const { i } of byRemainder.slice(0, left)) parts[i]!++;
  return parts;
}

/** Each check's time in whole milliseconds, in the report's order. A check whose phase
 *  was not timed (or that has none) keeps its own measured time. */
export function caseDurations(report: Report): number[] {
  const phaseMs = new Map<string, number>();
  for (const p of report.phases) phaseMs.set(p.name, (phaseMs.get(p.name) ?? 0) + p.durationMs);
  const times = report.checks.map((c) => Math.round(c.durationMs ?? 0));
  for (const [phase, ms] of phaseMs) {
    const made = report.checks.flatMap((c, i) => (phaseOf(c) === phase ? [i] : []));
    if (!made.length) continue;
    const parts = share(ms, made.map((i) => report.checks[i]!.durationMs ?? 0));
    made.forEach((i, k) => (times[i] = parts[k]!));
  }
  return times;
}
