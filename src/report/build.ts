// Assemble a Report from the results of one run. Status is derived, never set by hand:
// the run fails when any check failed (waived and skipped checks do not fail it).
import { execFileSync } from "node:child_process";
import type { CheckResult, CheckStatus, Location, PhaseTiming, Report } from "../types.ts";
import { relativePaths, repositoryRoot } from "./relative-paths.ts";

export interface ReportInput {
  command: string;
  startedAt: Date;
  checks: CheckResult[];
  phases?: PhaseTiming[];
  composeFiles: string[];
  project?: string;
  extra?: Partial<Pick<Report, "toolVersions" | "images" | "matrix" | "environment">>;
  /** Each service's line in the compose file, for the results that carry no location. */
  serviceLocations?: Record<string, Location>;
}

/** A result without a location of its own points at its service's declaration. */
export function locate(checks: CheckResult[], at: Record<string, Location> = {}): CheckResult[] {
  return checks.map((c) => (c.location || !c.service || !at[c.service] ? c : { ...c, location: at[c.service] }));
}

export function summarize(checks: CheckResult[]): Record<CheckStatus, number> {
  const s: Record<CheckStatus, number> = { pass: 0, fail: 0, skip: 0, waived: 0 };
  for (const c of checks) s[c.status]++;
  return s;
}

function gitState(): Report["git"] {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() !== "";
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: false };
  }
}

/** Failures first, then by service and id, so every rendering leads with what matters. */
const order: Record<CheckStatus, number> = { fail: 0, waived: 1, skip: 2, pass: 3 };
export function sortChecks(checks: CheckResult[]): CheckResult[] {
  return [...checks].sort(
    (a, b) =>
      order[a.status] - order[b.status] ||
      (a.service ?? "").localeCompare(b.service ?? "") ||
      a.id.localeCompare(b.id),
  );
}

export function buildReport(input: ReportInput): Report {
  // paths of this checkout become repository-relative in every field, for every renderer
  return relativePaths(assemble(input), repositoryRoot());
}

function assemble(input: ReportInput): Report {
  const summary = summarize(input.checks);
  const phases = input.phases ?? [];
  const failed = summary.fail > 0 || phases.some((p) => p.status === "fail");
  return {
    schemaVersion: 1,
    tool: { name: "apex", version: process.env.npm_package_version ?? "0.1.0" },
    command: input.command,
    status: failed ? "fail" : "pass",
    startedAt: input.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    project: input.project,
    composeFiles: input.composeFiles,
    git: gitState(),
    phases,
    summary,
    ...input.extra,
    checks: sortChecks(locate(input.checks, input.serviceLocations)),
  };
}
