// The posture predicate: what release signs about one service of one image. Built from the
// verified report (pure), checked against its versioned schema (posture-predicate.v1.schema.json).
import { createHash } from "node:crypto";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import type { CheckResult, Report } from "../../types.ts";
import schema from "./posture-predicate.v1.schema.json" with { type: "json" };

export const POSTURE_PREDICATE_TYPE = "urn:apex:attestation:posture:v1";
export const POSTURE_SCHEMA_VERSION = 1;

export interface PosturePredicate {
  schemaVersion: 1;
  service: string;
  status: "pass" | "fail";
  serviceStatus: "pass" | "fail";
  report: { sha256: string; summary: Report["summary"] };
  commit: string | null;
  dirty: boolean;
  apexVersion: string;
  verifiedAt: string;
  image: { repository: string; digest: string; verifiedId: string | null };
  checks: Pick<CheckResult, "id" | "kind" | "status" | "severity" | "refs">[];
}

const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
const validate = addFormats(new Ajv({ allErrors: false })).compile(schema);

/** null when the value is a v1 posture predicate, else the first reason it is not. */
export function predicateErrors(value: unknown): string | null {
  if (validate(value)) return null;
  const e = validate.errors![0];
  return `${e.instancePath || "(root)"} ${e.message}`;
}

export const sha256Hex = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

export interface PredicateInput {
  report: Report;
  /** The exact bytes of report.json, as published. */
  reportText: string;
  service: string;
  repository: string;
  digest: string;
}

export function posturePredicate(i: PredicateInput): PosturePredicate {
  const mine = i.report.checks.filter((c) => c.service === i.service);
  const verifiedId = i.report.images?.find((x) => x.service === i.service)?.id ?? null;
  return {
    schemaVersion: POSTURE_SCHEMA_VERSION,
    service: i.service,
    status: i.report.status,
    serviceStatus: mine.some((c) => c.status === "fail") ? "fail" : "pass",
    report: { sha256: sha256Hex(i.reportText), summary: i.report.summary },
    commit: i.report.git?.commit ?? null,
    dirty: i.report.git?.dirty ?? false,
    apexVersion: i.report.tool.version,
    verifiedAt: i.report.finishedAt,
    image: { repository: i.repository, digest: i.digest, verifiedId },
    checks: mine.map((c) => ({ id: c.id, kind: c.kind, status: c.status, severity: c.severity, refs: c.refs })),
  };
}
