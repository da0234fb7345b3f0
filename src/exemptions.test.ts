import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "./errors.ts";
import { applyExemptions, loadExemptions, type Exemption } from "./exemptions.ts";
import type { CheckResult } from "./types.ts";

const TD = "src/testdata/policy/exemptions";
const known = ["api", "worker", "volume_prep"];

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error("expected a UsageError");
}

const check = (id: string, service: string, status: CheckResult["status"] = "fail"): CheckResult => ({
  id, kind: "static", service, status, title: id, evidence: [], refs: [], severity: "medium", message: `${id} failed`,
});

describe("loadExemptions", () => {
  it("reads service, rules, justification, expires and where each entry is", () => {
    const [e] = loadExemptions(join(TD, "cap-add-expired.yaml"), known);
    expect(e).toEqual({ service: "api", rules: ["compose/cap-add-justified"], justification: "binds port 80 inside the container (fixture)", expires: "2020-01-31", source: { file: `${TD}/cap-add-expired.yaml`, line: 2 } });
  });
  it("the repository's own exemptions load against the repository's services", () => {
    const list = loadExemptions("infra/exemptions.yaml", ["volume_prep", "db_migrate", "logical_backup", "api"]);
    expect(list.map((e) => e.service)).toEqual(["volume_prep", "db_migrate", "logical_backup", "api"]);
    expect(list[0]!.rules).toContain("compose/cap-add-justified");
  });
  it.each([
    ["unknown-service.yaml", 5, /unknown service "no_such_service"/],
    ["no-justification.yaml", 2, /has no justification/],
    ["bad-date.yaml", 5, /expires must be a date YYYY-MM-DD, got "2026-02-30"/],
    ["wildcard.yaml", 3, /"\*" is a wildcard; name each check it waives/],
    ["unknown-check.yaml", 4, /names unknown check "compose\/cap-add-justifed"/],
  ])("%s → error at line %i", (file, line, msg) => {
    const err = usageError(() => loadExemptions(join(TD, file), known));
    expect(err.file).toBe(`${TD}/${file}`);
    expect(err.line).toBe(line);
    expect(err.oneLine()).toMatch(msg);
  });
  it("a missing file is a usage error naming it", () => {
    expect(usageError(() => loadExemptions(join(TD, "nope.yaml"), known)).oneLine()).toBe(`${TD}/nope.yaml: exemptions file not found`);
  });
});

describe("applyExemptions", () => {
  const ex = (over: Partial<Exemption> = {}): Exemption => ({ service: "api", rules: ["compose/cap-add-justified"], justification: "needs it", source: { file: "x.yaml", line: 3 }, ...over });
  it("waives a matching failure, with the reason and where it is recorded", () => {
    const [r] = applyExemptions([check("compose/cap-add-justified", "api")], [ex({ expires: "2030-01-01" })], new Date("2029-12-31T23:00:00Z"));
    expect(r!.status).toBe("waived");
    expect(r!.waiver).toEqual({ reason: "needs it", expires: "2030-01-01", source: { file: "x.yaml", line: 3 } });
  });
  it("an expired exemption waives nothing and says so", () => {
    const [r] = applyExemptions([check("compose/cap-add-justified", "api")], [ex({ expires: "2030-01-01" })], new Date("2030-01-02T00:00:00Z"));
    expect(r!.status).toBe("fail");
    expect(r!.message).toMatch(/exemption at x.yaml:3 expired on 2030-01-01/);
  });
  it("matches by service and id only ('*' is no longer a way to waive everything)", () => {
    const results = [check("a/x", "api"), check("a/y", "api"), check("a/x", "worker"), check("a/z", "api", "pass")];
    expect(applyExemptions(results, [ex({ rules: ["*"] })]).map((r) => r.status)).toEqual(["fail", "fail", "fail", "pass"]);
    expect(applyExemptions(results, [ex({ rules: ["a/y"] })]).map((r) => r.status)).toEqual(["fail", "waived", "fail", "pass"]);
  });
});

describe("aliases", () => {
  it("an exemption written against a former id waives the check under its current id", () => {
    const ex = loadExemptions(join(TD, "alias.yaml"), known);
    expect(ex[0]!.rules).toEqual(["runtime/no-docker-socket"]);
    const [r] = applyExemptions([{ ...check("runtime/no-docker-socket", "api"), kind: "runtime" }], ex);
    expect(r!.status).toBe("waived");
    // and only that check: another of api's failures stays failed
    expect(applyExemptions([check("compose/no-docker-socket", "api")], ex)[0]!.status).toBe("fail");
  });
});
