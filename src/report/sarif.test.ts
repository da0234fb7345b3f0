// SARIF is checked against the official OASIS 2.1.0 schema (schema/README.md) with ajv,
// on the hand-built sample report (renderers are pure functions of the Report). What
// code scanning makes of it is sarif.multitool.test.ts's job.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CATALOGUE } from "../catalogue.ts";
import { rules } from "../rules/registry.ts";
import { renderSarif } from "./sarif.ts";
import { sampleReport } from "./testdata/sample-report.ts";
import type { CheckResult, Report } from "../types.ts";

const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
const schema = JSON.parse(readFileSync(new URL("./schema/sarif-schema-2.1.0.json", import.meta.url), "utf8"));
// strict: false — the official schema has `default`s that ajv's strict mode would reject.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

const log = JSON.parse(renderSarif(sampleReport));
const run = log.runs[0];

describe("SARIF renderer", () => {
  it("validates against the official SARIF 2.1.0 schema", () => {
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });
  it("the schema really rejects a broken log (the check has teeth)", () => {
    const broken = structuredClone(log);
    broken.runs[0].results[0].suppressions = [{ kind: "external", state: "accepted" }]; // SARIF says status
    broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(validate(broken)).toBe(false);
  });
  it("has a rules table of the whole catalogue (every kind), with help text", () => {
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(CATALOGUE.map((r) => r.id));
    const kinds = new Set(run.tool.driver.rules.map((r: { properties: { tags: string[] } }) => r.properties.tags[1]));
    expect([...kinds].sort()).toEqual(["database", "runtime", "static", "workflow"]);
    const tmpfs = run.tool.driver.rules.find((r: { id: string }) => r.id === "compose/tmpfs-owner");
    expect(tmpfs.shortDescription.text).toBe(rules.find((r) => r.id === "compose/tmpfs-owner")!.title);
    expect(tmpfs.help.text).toContain("/tmp:uid=1000,gid=1000,mode=1777");
    expect(tmpfs.help.text).toContain("References:");
  });
  it("reports the failing and waived checks of every kind, located, and no passing or skipped one", () => {
    expect(run.results.map((r: { ruleId: string; properties: { service: string } }) => `${r.ruleId} ${r.properties.service}`)).toEqual([
      "compose/tmpfs-owner api",
      "runtime/cap-eff-zero worker",
      "compose/anchor-merged volume_prep",
    ]);
    const [fail, runtime, waived] = run.results;
    expect(fail.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "infra/compose.yaml", uriBaseId: "%SRCROOT%" }, region: { startLine: 42 } });
    expect(run.tool.driver.rules[fail.ruleIndex].id).toBe("compose/tmpfs-owner");
    expect(fail.suppressions).toBeUndefined();
    expect(runtime.suppressions).toBeUndefined();
    expect(waived.suppressions).toEqual([{ kind: "external", status: "accepted", justification: "Runs as root once to chown volumes" }]);
  });
  it("a result with no location of its own points at the first compose file's first line", () => {
    const runtime = run.results.find((r: { ruleId: string }) => r.ruleId === "runtime/cap-eff-zero");
    expect(runtime.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "infra/compose.yaml", uriBaseId: "%SRCROOT%" }, region: { startLine: 1 } });
  });
  it("results of every kind are emitted, stack ones without a service included", () => {
    const more: CheckResult[] = [
      { ...sampleReport.checks[1]!, id: "database/role-attributes", kind: "database", service: "postgres", location: { file: "infra/compose.yaml", line: 120 } },
      { ...sampleReport.checks[1]!, id: "workflow/api-limits", kind: "workflow", service: "api", status: "waived", waiver: { reason: "measured elsewhere", source: { file: "infra/exemptions.yaml", line: 9 } } },
      { ...sampleReport.checks[1]!, id: "stack/healthy", kind: "workflow", service: null },
    ];
    const report: Report = { ...sampleReport, composeFiles: ["infra/compose.yaml", "infra/compose.override.yaml"], checks: [...sampleReport.checks, ...more] };
    const results = JSON.parse(renderSarif(report)).runs[0].results;
    const byId = (id: string) => results.find((r: { ruleId: string }) => r.ruleId === id);
    expect(byId("database/role-attributes").locations[0].physicalLocation.region).toEqual({ startLine: 120 });
    expect(byId("workflow/api-limits").suppressions[0].justification).toBe("measured elsewhere");
    expect(byId("stack/healthy").locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "infra/compose.yaml", uriBaseId: "%SRCROOT%" }, region: { startLine: 1 } });
    expect(byId("stack/healthy").partialFingerprints).toEqual({ apexCheck: "stack/healthy/-" });
    expect(results.every((r: { locations: { physicalLocation: { region: { startLine: number } } }[] }) => r.locations[0]!.physicalLocation.region.startLine >= 1)).toBe(true);
  });
  it("an absolute compose path becomes a file: URI, never a %SRCROOT%-relative one", () => {
    const report: Report = { ...sampleReport, composeFiles: ["/srv/app/compose.yaml"] };
    const runtime = JSON.parse(renderSarif(report)).runs[0].results.find((r: { ruleId: string }) => r.ruleId === "runtime/cap-eff-zero");
    expect(runtime.locations[0].physicalLocation.artifactLocation).toEqual({ uri: "file:///srv/app/compose.yaml" });
  });
  it("fingerprints are unique in a run and hold neither paths nor times", () => {
    const fps = run.results.map((r: { partialFingerprints: { apexCheck: string } }) => r.partialFingerprints.apexCheck);
    expect(new Set(fps).size).toBe(fps.length);
    expect(fps).toEqual(["compose/tmpfs-owner/api", "runtime/cap-eff-zero/worker", "compose/anchor-merged/volume_prep"]);
    const later = JSON.parse(renderSarif({ ...sampleReport, startedAt: "2027-01-01T00:00:00.000Z", finishedAt: "2027-01-01T00:01:00.000Z", git: { commit: "f".repeat(40), dirty: true } }));
    expect(later.runs[0].results.map((r: { partialFingerprints: unknown }) => r.partialFingerprints)).toEqual(run.results.map((r: { partialFingerprints: unknown }) => r.partialFingerprints));
  });
  it("automationDetails.id is the category of the workflow's upload-sarif step, plus the slash the action adds", () => {
    const workflow = parse(readFileSync(new URL("../../.github/workflows/verify.yml", import.meta.url), "utf8"));
    const steps = Object.values(workflow.jobs as Record<string, { steps: { uses?: string; with?: { category?: string } }[] }>).flatMap((j) => j.steps);
    const upload = steps.filter((s) => s.uses?.startsWith("github/codeql-action/upload-sarif"));
    expect(upload).toHaveLength(1);
    expect(run.automationDetails).toEqual({ id: `${upload[0]!.with!.category}/` });
    // Not per command: a policy log and a verify log would otherwise land in other categories.
    expect(JSON.parse(renderSarif({ ...sampleReport, command: "policy" })).runs[0].automationDetails).toEqual(run.automationDetails);
  });
  it("rule names are Pascal-case identifiers and the driver invents no informationUri", () => {
    for (const r of run.tool.driver.rules) expect(r.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
    expect(run.tool.driver.rules.find((r: { id: string }) => r.id === "compose/tmpfs-owner").name).toBe("ComposeTmpfsOwner");
    expect(run.tool.driver).not.toHaveProperty("informationUri");
  });
});
