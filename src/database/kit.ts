// What every database-posture check builds on: its shape and the outcome helpers. A check
// is pure: facts (gathered once) in, an outcome with evidence out.
import type { CheckMeta, Evidence } from "../types.ts";
import type { DatabaseFacts, ServiceRole } from "./facts.ts";

export interface DbOutcome {
  status: "pass" | "fail" | "skip";
  message: string;
  evidence: Evidence[];
}

/** A check of one service's login role, or (role undefined) of the cluster as a whole. */
export interface DbCheck {
  meta: CheckMeta & { kind: "database" };
  scope: "role" | "cluster";
  evaluate(f: DatabaseFacts, who?: ServiceRole): DbOutcome;
}

const CIS_ROLES = "CIS PostgreSQL Benchmark: User Access and Authorization";
export const REFS = { roles: CIS_ROLES, connect: "CIS PostgreSQL Benchmark: Connection and Login", cve: "CVE-2018-1058" };

export const pass = (message: string, evidence: Evidence[] = []): DbOutcome => ({ status: "pass", message, evidence });
export const fail = (message: string, evidence: Evidence[] = []): DbOutcome => ({ status: "fail", message, evidence });

export const factsEvidence = (f: DatabaseFacts, property: string, actual: unknown, expected: string): Evidence => ({
  property,
  expected,
  actual: typeof actual === "string" ? actual : JSON.stringify(actual),
  command: f.command,
});
