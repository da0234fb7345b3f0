// The posture predicate from a hand-built report: only that service's checks, the report's
// sha256, commit, version, verify time and the image id verify saw; the v1 schema accepts it
// and refuses what is not one.
import { describe, expect, it } from "vitest";
import type { CheckResult, Report } from "../../types.ts";
import { posturePredicate, predicateErrors, sha256Hex } from "./predicate.ts";

const check = (id: string, service: string | null, status: CheckResult["status"]): CheckResult => ({
  id, kind: "runtime", service, status, title: id, evidence: [], refs: ["CIS 5.4"], severity: "high", message: "",
});
const report: Report = {
  schemaVersion: 1,
  tool: { name: "apex", version: "0.1.0" },
  command: "verify",
  status: "pass",
  startedAt: "2026-01-01T00:00:00Z",
  finishedAt: "2026-01-01T00:01:00Z",
  composeFiles: [],
  git: { commit: "90afd2d1234567890abcdef1234567890abcdef0", dirty: false },
  phases: [],
  images: [{ service: "api", image: "apex/api:local", id: `sha256:${"c".repeat(64)}` }],
  summary: { pass: 2, fail: 0, skip: 1, waived: 0 },
  checks: [check("runtime/cap-eff-zero", "api", "pass"), check("runtime/read-only", "api", "skip"), check("runtime/cap-eff-zero", "postgres", "pass"), check("stack/up", null, "pass")],
};
const text = JSON.stringify(report);
const digest = `sha256:${"d".repeat(64)}`;

describe("posture predicate", () => {
  const p = posturePredicate({ report, reportText: text, service: "api", repository: "r/apex/api", digest });
  it("carries that service's checks only, and what binds it to the report and the image", () => {
    expect(p.checks.map((c) => [c.id, c.status])).toEqual([["runtime/cap-eff-zero", "pass"], ["runtime/read-only", "skip"]]);
    expect(p.checks[0]).toEqual({ id: "runtime/cap-eff-zero", kind: "runtime", status: "pass", severity: "high", refs: ["CIS 5.4"] });
    expect(p.report.sha256).toBe(sha256Hex(text));
    expect(p).toMatchObject({ schemaVersion: 1, service: "api", status: "pass", serviceStatus: "pass", commit: report.git!.commit, apexVersion: "0.1.0", verifiedAt: "2026-01-01T00:01:00Z" });
    expect(p.image).toEqual({ repository: "r/apex/api", digest, verifiedId: `sha256:${"c".repeat(64)}` });
    expect(predicateErrors(p)).toBeNull();
  });
  it("says fail for the service when one of its checks failed", () => {
    const failed = { ...report, status: "fail" as const, checks: [check("runtime/cap-eff-zero", "api", "fail")] };
    const q = posturePredicate({ report: failed, reportText: JSON.stringify(failed), service: "api", repository: "r", digest });
    expect([q.status, q.serviceStatus]).toEqual(["fail", "fail"]);
    expect(predicateErrors(q)).toBeNull();
  });
  it("the schema refuses another version, a bad digest, an unknown field or a missing one", () => {
    expect(predicateErrors({ ...p, schemaVersion: 2 })).toMatch(/schemaVersion/);
    expect(predicateErrors({ ...p, image: { ...p.image, digest: "sha256:abc" } })).toMatch(/\/image\/digest/);
    expect(predicateErrors({ ...p, extra: 1 })).toMatch(/additional/);
    const { checks: _c, ...noChecks } = p;
    expect(predicateErrors(noChecks)).toMatch(/checks/);
  });
});
