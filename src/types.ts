// The one vocabulary of apex: every phase produces CheckResults, the report collects them,
// renderers turn the report into files. Fields named in DESIGN.md's JSON contract are
// marked "contract": renaming them breaks users' tooling.
import type { EngineEnvironment } from "./report/environment.ts";

export type Severity = "critical" | "high" | "medium" | "low";
export type CheckKind = "static" | "runtime" | "database" | "workflow"; // contract
export type CheckStatus = "pass" | "fail" | "skip" | "waived"; // contract

/** Where a static finding points: repository-relative file, 1-based line. */
export interface Location {
  file: string;
  line?: number;
  column?: number;
}

/**
 * Raw proof behind a result. Static checks fill `location` and `actual` (the offending
 * text); runtime and workflow checks fill `command`, `exitCode` and `output` (the /proc
 * lines, stat output, error text) exactly as observed.
 */
export interface Evidence {
  property?: string;
  expected?: string;
  actual?: string;
  location?: Location;
  command?: string[];
  exitCode?: number;
  output?: string;
  note?: string;
}

/** Documentation that travels with every rule, probe and workflow check. */
export interface CheckMeta {
  id: string; // contract: stable forever; a rename keeps the old id in `aliases`
  title: string; // contract
  kind: CheckKind;
  severity: Severity;
  refs: string[]; // contract: e.g. "CIS 5.4", "hadolint DL3002"
  remediation: string;
  description?: string;
  aliases?: string[];
}

export interface Waiver {
  reason: string;
  expires?: string; // ISO date
  source: Location;
}

export interface CheckResult {
  id: string; // contract
  kind: CheckKind; // contract
  service: string | null; // contract: compose service name
  status: CheckStatus; // contract
  title: string; // contract
  evidence: Evidence[]; // contract
  refs: string[]; // contract
  severity: Severity;
  message: string; // one line: why it passed, failed or was skipped
  remediation?: string;
  location?: Location;
  waiver?: Waiver;
  durationMs?: number;
}

export interface PhaseTiming {
  name: string; // setup | build | up | policy | probe | workflow | teardown | report
  status: "pass" | "fail" | "skip";
  durationMs: number;
  note?: string;
}

/** One row of the capability matrix (security-philosophy.md), generated, never typed. */
export interface CapabilityRow {
  service: string;
  capabilities: string; // e.g. "cap_drop: [ALL]" or "cap_drop: [ALL], cap_add: [CHOWN]"
  rationale: string;
  verifiedBy: string[]; // check ids that proved it at runtime / statically
}

export interface ImageInfo {
  service: string;
  image: string;
  id?: string;
  sizeBytes?: number;
}

export interface Report {
  schemaVersion: 1;
  tool: { name: "apex"; version: string };
  command: string; // policy | probe | verify
  status: "pass" | "fail"; // contract
  startedAt: string;
  finishedAt: string;
  project?: string; // compose project name
  composeFiles: string[];
  git?: { commit: string | null; dirty: boolean };
  /** Where the stack ran (verify only): the engine's topology and privileges. */
  environment?: { engine: EngineEnvironment };
  toolVersions?: Record<string, string>;
  phases: PhaseTiming[];
  images?: ImageInfo[];
  matrix?: CapabilityRow[];
  summary: Record<CheckStatus, number>;
  checks: CheckResult[]; // contract
}
