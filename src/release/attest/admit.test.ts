// The admission judgement on hand-built statements: each refusal reason on its own, and the
// one passing case; --max-age parsing.
import { describe, expect, it } from "vitest";
import type { Report } from "../../types.ts";
import { judge, parseAge } from "./admit.ts";
import type { Statement } from "./cosign.ts";
import { POSTURE_PREDICATE_TYPE, posturePredicate } from "./predicate.ts";

const hex = "e".repeat(64);
const digest = `sha256:${hex}`;
const now = new Date("2026-01-10T00:00:00Z");
const report = (status: "pass" | "fail"): Report => ({
  schemaVersion: 1, tool: { name: "apex", version: "0.1.0" }, command: "verify", status,
  startedAt: "2026-01-09T00:00:00Z", finishedAt: "2026-01-09T00:00:00Z", composeFiles: [], phases: [],
  summary: { pass: 1, fail: status === "fail" ? 1 : 0, skip: 0, waived: 0 },
  checks: [{ id: "runtime/x", kind: "runtime", service: "api", status, title: "x", evidence: [], refs: [], severity: "high", message: "" }],
});
const stmt = (over: Partial<Statement> = {}, r = report("pass"), d = digest): Statement => ({
  _type: "https://in-toto.io/Statement/v0.1",
  predicateType: POSTURE_PREDICATE_TYPE,
  subject: [{ name: "r/api", digest: { sha256: hex } }],
  predicate: posturePredicate({ report: r, reportText: "{}", service: "api", repository: "r/api", digest: d }),
  ...over,
});

describe("admission", () => {
  it("admits a passing, fresh attestation about this digest", () =>
    expect(judge([stmt()], { digest, now, maxAgeMs: 7 * 86400e3 })).toEqual({ admit: true, reasons: [], services: ["api"] }));
  it("refuses no attestation at all", () => expect(judge([], { digest, now }).reasons).toEqual([`no posture attestation for ${digest}`]));
  it("refuses another predicate type", () => expect(judge([stmt({ predicateType: "https://cyclonedx.org/bom" })], { digest, now }).reasons[0]).toMatch(/is not urn:apex:attestation:posture:v1$/));
  it("refuses a subject that is another digest", () =>
    expect(judge([stmt({ subject: [{ name: "r/api", digest: { sha256: "f".repeat(64) } }] })], { digest, now }).reasons[0]).toMatch(`not ${digest}`));
  it("refuses another schema version, and a predicate outside the schema", () => {
    const p = stmt().predicate as Record<string, unknown>;
    expect(judge([stmt({ predicate: { ...p, schemaVersion: 2 } })], { digest, now }).reasons[0]).toMatch(/schemaVersion 2 is not 1/);
    expect(judge([stmt({ predicate: { ...p, checks: "none" } })], { digest, now }).reasons[0]).toMatch(/v1 schema: \/checks/);
  });
  it("refuses a predicate naming another image than its subject", () =>
    expect(judge([stmt({}, report("pass"), `sha256:${"f".repeat(64)}`)], { digest, now }).reasons[0]).toMatch(/predicate names image sha256:f+, not/));
  it("refuses a failed report, naming the failing checks", () =>
    expect(judge([stmt({}, report("fail"))], { digest, now }).reasons).toEqual(["service api: the verified report's status is fail", "service api: failing check(s): runtime/x"]));
  it("refuses an attestation older than the limit, and a service not attested", () => {
    expect(judge([stmt()], { digest, now, maxAgeMs: 3600e3 }).reasons[0]).toMatch(/24h ago, older than --max-age/);
    expect(judge([stmt()], { digest, now, service: "worker" })).toMatchObject({ admit: false, reasons: ["no posture attestation for service worker (attested: api)"] });
  });
  it("parses ages", () => {
    expect(parseAge("7d")).toBe(7 * 86400e3);
    expect(parseAge("90s")).toBe(90e3);
    expect(parseAge("7 days")).toBeUndefined();
    expect(parseAge("-1d")).toBeUndefined();
  });
});
