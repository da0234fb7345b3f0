// The JUnit of a real `apex policy` run on the repository's own stack, as CI report tools
// read it. It sits in the "unit" project with the other `apex policy` CLI tests: policy
// needs only `docker compose config` (and reads local images if there are any), no stack
// and no build, so it is fast and needs none of the "stack" project's serial runs.
// What it must show is taken from the run's JSON report and from the YAML files
// themselves, so the test holds as compose.yaml and exemptions.yaml change.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../types.ts";
import { readWithConsumers, type ConsumerViews } from "./testdata/junit-consumers.ts";

const out = mkdtempSync(join(tmpdir(), "apex-junit-cli-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** 1-based line of a node in a YAML file, read with the same library compose users edit it with. */
function yamlLines(file: string) {
  const lc = new LineCounter();
  const doc = parseDocument(readFileSync(file, "utf8"), { lineCounter: lc });
  return { doc, lineOf: (n: { range?: [number, number, number] | null }) => lc.linePos(n.range![0]).line };
}

function volumePrepDeclaration() {
  const { doc, lineOf } = yamlLines("infra/compose.yaml");
  const services = doc.get("services", true);
  const pair = isMap(services) ? services.items.find((p) => isScalar(p.key) && p.key.value === "volume_prep") : undefined;
  return lineOf(pair!.key as { range: [number, number, number] });
}

function volumePrepExemption() {
  const { doc, lineOf } = yamlLines("infra/exemptions.yaml");
  const list = doc.get("exemptions", true);
  const item = isSeq(list) ? list.items.find((e) => isMap(e) && e.get("service") === "volume_prep") : undefined;
  return { line: lineOf(item as { range: [number, number, number] }), reason: String((item as any).get("justification")).trim() };
}

describe("apex policy --format junit on infra/compose.yaml", () => {
  let report: Report;
  let seen: ConsumerViews;
  const cases = () => seen.junit2json.testsuite.flatMap((s: any) => s.testcase) as any[];

  beforeAll(async () => {
    const r = spawnSync(process.execPath, ["bin/apex.mjs", "policy", "-f", "infra/compose.yaml", "--format", "junit,json", "--out", out], { encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    seen = await readWithConsumers(join(out, "report.junit.xml"));
  });

  it("every reader counts what the run found: one case per check, the waived ones skipped, none failed", () => {
    const { pass, fail, skip, waived } = report.summary;
    expect(report.checks.length).toBeGreaterThan(300);
    expect(waived).toBeGreaterThan(0);
    expect(seen.junit2json).toMatchObject({ tests: report.checks.length, failures: fail, skipped: skip + waived });
    expect(cases()).toHaveLength(report.checks.length);
    expect(seen.ctrf.results.summary).toMatchObject({ tests: report.checks.length, passed: pass, failed: 0, skipped: skip + waived });
    expect(seen.testResults).toMatchObject({ total: pass + fail, passed: pass, failed: 0, skipped: skip + waived, status: "PASS" });
  });

  it("no name repeats within a suite (compose/anchor-merged is one case per service)", () => {
    for (const s of seen.junit2json.testsuite) expect(new Set(s.testcase.map((c: any) => c.name)).size).toBe(s.testcase.length);
    const anchor = cases().filter((c) => c.name.startsWith("compose/anchor-merged "));
    expect(anchor.length).toBe(report.checks.filter((c) => c.id === "compose/anchor-merged").length);
    expect(anchor.length).toBeGreaterThan(1);
    for (const s of seen.testResults.suites) expect(new Set(s.cases.map((c) => c.name)).size).toBe(s.cases.length);
  });

  it("every case has a file and a line, the one its result points at", () => {
    expect(cases().filter((c) => !c.file || !(c.line >= 1))).toEqual([]);
    expect(seen.ctrf.results.tests.filter((t) => !t.filePath || !t.line)).toEqual([]);
    const where = new Map(report.checks.map((c) => [`${c.id} (${c.service})`, `${c.location?.file}:${c.location?.line}`]));
    for (const c of cases()) expect(`${c.file}:${c.line}`, c.name).toBe(where.get(c.name));
  });

  it("volume_prep's waived anchor check points at its service in compose.yaml and names its exemption's reason and line", () => {
    const junit = cases().find((c) => c.name === "compose/anchor-merged (volume_prep)");
    const exemption = volumePrepExemption();
    expect([junit.file, junit.line]).toEqual(["infra/compose.yaml", volumePrepDeclaration()]);
    expect(junit.skipped).toEqual([{ message: `waived: ${exemption.reason} (infra/exemptions.yaml:${exemption.line})` }]);
    expect(junit.failure).toBeUndefined();
    const ctrf = seen.ctrf.results.tests.find((t) => t.name === "compose/anchor-merged (volume_prep)");
    expect(ctrf).toMatchObject({ status: "skipped", filePath: "infra/compose.yaml", line: volumePrepDeclaration() });
  });

  it("the static suite's time is the policy phase's, and the sum of its cases", () => {
    const ms = (s: number) => Math.round(s * 1000);
    const [suite] = seen.junit2json.testsuite;
    expect(suite.name).toBe("apex.static");
    expect(ms(suite.time)).toBe(report.phases.find((p) => p.name === "policy")!.durationMs);
    expect(ms(suite.time)).toBe(suite.testcase.reduce((a: number, c: any) => a + ms(c.time), 0));
    expect(Math.round(seen.testResults.suites[0]!.duration)).toBe(ms(suite.time));
  });
});
