// SARIF is checked against the official OASIS 2.1.0 schema (schema/README.md) with ajv,
// on the hand-built sample report (renderers are pure functions of the Report).
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { CATALOGUE } from "../catalogue.ts";
import { rules } from "../rules/registry.ts";
import { renderSarif } from "./sarif.ts";
import { sampleReport } from "./testdata/sample-report.ts";

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
  it("reports failing and waived static checks only, with repo-relative locations", () => {
    expect(run.results.map((r: { ruleId: string }) => r.ruleId)).toEqual(["compose/tmpfs-owner", "compose/anchor-merged"]);
    const [fail, waived] = run.results;
    expect(fail.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "infra/compose.yaml", uriBaseId: "%SRCROOT%" }, region: { startLine: 42 } });
    expect(run.tool.driver.rules[fail.ruleIndex].id).toBe("compose/tmpfs-owner");
    expect(fail.suppressions).toBeUndefined();
    expect(waived.suppressions).toEqual([{ kind: "external", status: "accepted", justification: "Runs as root once to chown volumes" }]);
  });
});
