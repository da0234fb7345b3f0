// The JUnit renderer, judged by what the JUnit readers of CI report tools see in it
// (testdata/junit-consumers.ts), on the hand-built sample report and small variants of it.
import { describe, expect, it } from "vitest";
import type { CheckResult, Report } from "../types.ts";
import { locate } from "./build.ts";
import { renderJunit } from "./junit.ts";
import { readXmlWithConsumers } from "./testdata/junit-consumers.ts";
import { sampleReport } from "./testdata/sample-report.ts";

const read = (r: Report) => readXmlWithConsumers(renderJunit(r));
const cases = (j2j: any): any[] => j2j.testsuite.flatMap((s: any) => s.testcase);
const ms = (seconds: number) => Math.round(seconds * 1000);

/** The sample as buildReport hands it over: results without a location point at their service. */
const located: Report = {
  ...sampleReport,
  checks: locate(sampleReport.checks, {
    worker: { file: "infra/compose.yaml", line: 90 },
    postgres: { file: "infra/compose.yaml", line: 60 },
    volume_prep: { file: "infra/compose.yaml", line: 29 },
    pghero: { file: "infra/compose.yaml", line: 140 },
  }),
};

const result = (over: Partial<CheckResult> & Pick<CheckResult, "id" | "service" | "status">): CheckResult => ({
  kind: "workflow", title: over.id, evidence: [], refs: [], severity: "high", message: "m", ...over,
});

/** A verify run's shape: stack checks made by its phases, workflows that ran side by side. */
const verifyRun: Report = {
  ...sampleReport,
  phases: [
    { name: "setup", status: "pass", durationMs: 1500 },
    { name: "host-guard", status: "pass", durationMs: 700 },
    { name: "build", status: "pass", durationMs: 52_000 },
    { name: "up", status: "pass", durationMs: 6000 },
    { name: "workflow", status: "pass", durationMs: 27_800 },
    { name: "teardown", status: "pass", durationMs: 4000 },
  ],
  checks: [
    result({ id: "stack/host-guard", service: null, status: "pass" }),
    result({ id: "stack/build", service: null, status: "pass" }),
    result({ id: "stack/healthy", service: "api", status: "pass" }),
    result({ id: "stack/healthy", service: "worker", status: "pass" }),
    result({ id: "stack/service-not-run", service: "pghero", status: "skip" }),
    result({ id: "workflow/backup-roundtrip", service: "postgres", status: "pass", durationMs: 30_000 }),
    result({ id: "workflow/api-limits", service: "api", status: "pass", durationMs: 22_000 }),
  ],
};

describe("renderJunit: counts and outcomes", () => {
  it("one testcase per check; failures, skips and waivers counted alike by every reader", async () => {
    const { junit2json, ctrf, testResults } = await read(sampleReport);
    expect(junit2json).toMatchObject({ tests: 6, failures: 2, errors: 0, skipped: 2 });
    expect(cases(junit2json)).toHaveLength(6);
    expect(ctrf.results.summary).toMatchObject({ tests: 6, passed: 2, failed: 2, skipped: 2 });
    // test-results-parser counts skipped apart from total
    expect(testResults).toMatchObject({ total: 4, passed: 2, failed: 2, skipped: 2, status: "FAIL" });
    expect(testResults.suites.map((s) => [s.name, s.total, s.failed, s.skipped])).toEqual([
      ["apex.static", 1, 1, 1],
      ["apex.runtime", 2, 1, 0],
      ["apex.workflow", 1, 0, 1],
    ]);
  });

  it("a waived check is a skip (never a failure, never green) that names its reason and its exemption's file:line", async () => {
    const { junit2json, ctrf, testResults } = await read(sampleReport);
    const waived = cases(junit2json).find((c) => c.name === "compose/anchor-merged (volume_prep)");
    expect(waived.skipped).toEqual([{ message: "waived: Runs as root once to chown volumes (infra/exemptions.yaml:3)" }]);
    expect(waived.failure).toBeUndefined();
    expect(ctrf.results.tests.find((t) => t.name === "compose/anchor-merged (volume_prep)")?.status).toBe("skipped");
    expect(testResults.suites[0]!.cases.find((c) => c.name === "compose/anchor-merged (volume_prep)")?.status).toBe("SKIP");
  });

  it("a plain skip keeps its own message, without a waiver's wording", async () => {
    const { junit2json } = await read(sampleReport);
    const skipped = cases(junit2json).find((c) => c.name === "stack/service-not-run (pghero)");
    expect(skipped.skipped).toEqual([{ message: "profile not enabled" }]);
  });

  it("carries the evidence and the remediation in the failure body", () => {
    const xml = renderJunit(sampleReport);
    expect(xml).toContain("CapEff: expected 0000000000000000, actual 00000000a80425fb");
    expect(xml).toContain("remediation: Add cap_drop: [ALL]");
  });
});

describe("renderJunit: names", () => {
  it("names carry the service, so no name repeats within a suite", async () => {
    const { junit2json, ctrf } = await read(sampleReport);
    expect(junit2json.testsuite.map((s: any) => [s.name, s.testcase.map((c: any) => c.name)])).toEqual([
      ["apex.static", ["compose/tmpfs-owner (api)", "compose/anchor-merged (volume_prep)"]],
      ["apex.runtime", ["runtime/cap-eff-zero (worker)", "runtime/cap-eff-zero (postgres)"]],
      ["apex.workflow", ["workflow/backup-roundtrip (postgres)", "stack/service-not-run (pghero)"]],
    ]);
    expect(ctrf.results.tests.map((t) => t.name)).toContain("runtime/cap-eff-zero (worker)");
  });

  it("eight services failing one rule are eight names; a result repeated for one service is numbered, not merged", async () => {
    const services = ["api", "worker", "postgres", "valkey", "pgbouncer", "memcached", "pghero", "volume_prep"];
    const anchor = (service: string) => result({ id: "compose/anchor-merged", kind: "static", service, status: "fail" });
    const { junit2json } = await read({ ...sampleReport, checks: [...services.map(anchor), anchor("api")] });
    const names: string[] = cases(junit2json).map((c) => c.name);
    expect(new Set(names).size).toBe(9);
    expect(names).toContain("compose/anchor-merged (volume_prep)");
    expect(names.slice(-1)).toEqual(["compose/anchor-merged (api) #2"]);
    expect(names.filter((n) => n === "compose/anchor-merged")).toEqual([]);
  });
});

describe("renderJunit: file and line on every testcase", () => {
  it("each case points at its own line, else its service's line in the compose file", async () => {
    const { junit2json, ctrf } = await read(located);
    expect(cases(junit2json).map((c) => `${c.name} ${c.file}:${c.line}`)).toEqual([
      "compose/tmpfs-owner (api) infra/compose.yaml:42",
      "compose/anchor-merged (volume_prep) infra/compose.yaml:29",
      "runtime/cap-eff-zero (worker) infra/compose.yaml:90",
      "runtime/cap-eff-zero (postgres) infra/compose.yaml:60",
      "workflow/backup-roundtrip (postgres) infra/compose.yaml:60",
      "stack/service-not-run (pghero) infra/compose.yaml:140",
    ]);
    // CTRF's reader takes the line from `lineno`
    expect(ctrf.results.tests.map((t) => `${t.filePath}:${t.line}`)).toEqual(cases(junit2json).map((c) => `${c.file}:${c.line}`));
  });

  it("a result with no location and no service (stack/*) points at the first compose file, line 1", async () => {
    const { junit2json, ctrf } = await read({ ...verifyRun, composeFiles: ["deploy/compose.yaml", "deploy/compose.override.yaml"] });
    const build = cases(junit2json).find((c) => c.name === "stack/build");
    expect([build.file, build.line]).toEqual(["deploy/compose.yaml", 1]);
    expect(ctrf.results.tests.filter((t) => !t.filePath || !t.line)).toEqual([]);
  });

  it("a location without a line is line 1 of its file, not a case without a line", async () => {
    const noLine = result({ id: "dockerfile/user", kind: "static", service: "api", status: "fail", location: { file: "services/api/Dockerfile" } });
    const { junit2json } = await read({ ...sampleReport, checks: [noLine] });
    expect(cases(junit2json).map((c) => [c.file, c.line])).toEqual([["services/api/Dockerfile", 1]]);
  });
});

describe("renderJunit: time", () => {
  it("a phase's time is carried by the checks it made: stack/build by the build, stack/healthy by up, and setup/teardown by none", async () => {
    const { junit2json, ctrf } = await read(verifyRun);
    const time = Object.fromEntries(cases(junit2json).map((c) => [c.name, ms(c.time)]));
    expect(time).toEqual({
      "stack/host-guard": 700,
      "stack/build": 52_000,
      "stack/healthy (api)": 3000,
      "stack/healthy (worker)": 3000,
      "stack/service-not-run (pghero)": 0,
      // they ran side by side for 27.8 s: that time is shared in proportion to each one's own
      "workflow/backup-roundtrip (postgres)": 16_038,
      "workflow/api-limits (api)": 11_762,
    });
    expect(ctrf.results.tests.find((t) => t.name === "stack/build")?.duration).toBe(52_000);
  });

  it("every suite's time is the sum of its cases, and the whole the sum of its suites, in every reader", async () => {
    for (const report of [sampleReport, verifyRun, located]) {
      const { junit2json, testResults } = await read(report);
      for (const s of junit2json.testsuite) expect(ms(s.time)).toBe(s.testcase.reduce((a: number, c: any) => a + ms(c.time), 0));
      for (const s of testResults.suites) expect(Math.round(s.duration)).toBe(s.cases.reduce((a, c) => a + Math.round(c.duration), 0));
      expect(ms(junit2json.time)).toBe(junit2json.testsuite.reduce((a: number, s: any) => a + ms(s.time), 0));
    }
  });

  it("workflows that ran side by side do not add up to more than their phase", async () => {
    const { junit2json } = await read(verifyRun);
    expect(ms(junit2json.testsuite[0].time)).toBe(700 + 52_000 + 6000 + 27_800);
  });

  it("the sample's phases: policy shared by the static checks, probe by the runtime ones; a check whose phase was not timed keeps its own time", async () => {
    const { junit2json } = await read(sampleReport);
    expect(junit2json.testsuite.map((s: any) => [s.name, ms(s.time), s.testcase.map((c: any) => ms(c.time))])).toEqual([
      ["apex.static", 800, [400, 400]],
      ["apex.runtime", 1900, [950, 950]],
      ["apex.workflow", 5300, [5300, 0]],
    ]);
  });
});
