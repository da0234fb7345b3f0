// The real consumer: Microsoft's SARIF multitool validates SARIF that apex wrote, with its
// own rules and with GitHub's (the ones code scanning enforces on upload). Two logs:
// a real `apex policy` run on this repository and the sample report (runtime and waived
// results). This sits in the unit project, like policy.test.ts: `apex policy` only asks
// `docker compose config` and image metadata of the engine, in seconds, and starts nothing,
// while the stack project is for the tests that bring containers up (serial, long timeouts).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Finding, type RuleKind, validateSarif } from "./sarif-multitool.ts";
import { renderSarif } from "./sarif.ts";
import { sampleReport } from "./testdata/sample-report.ts";

/** The notes we accept, each with why; anything else the multitool says fails the test. */
const ACCEPTED: { ruleId: string; messageId: string; at?: RegExp; why: string }[] = [
  { ruleId: "SARIF2002", messageId: "Note_Default", why: "message.text instead of id/arguments: GitHub requires message.text (GH1015) and shows it as is" },
  { ruleId: "SARIF2003", messageId: "Note_Default", why: "no versionControlProvenance: it requires the repository's URL, which the report does not know (the commit is in run.properties; upload-sarif sends commit and ref itself)" },
  { ruleId: "SARIF2005", messageId: "Warning_ProvideToolnformationUri", why: "no informationUri: apex has no public home to name (lowered from a warning by the multitool policy; see sarif.ts)" },
  { ruleId: "SARIF2006", messageId: "Note_Default", at: /^\$schema$/, why: "the $schema URL is real but this machine reaches no web host; only $schema is excused" },
  { ruleId: "SARIF2009", messageId: "Note_HierarchicalIdOnDescriptor", why: "ids like compose/tmpfs-owner are a contract (stable forever) and each is a rule with its own metadata, not a sub-rule of 'compose'" },
  { ruleId: "SARIF2010", messageId: "Note_Default", why: "no region snippets: renderers are pure functions of the report, which holds no source text; code scanning shows the lines from the commit" },
  { ruleId: "SARIF2011", messageId: "Note_Default", why: "no context regions, for the same reason as snippets" },
  { ruleId: "SARIF2012", messageId: "Note_ProvideHelpUri", why: "no helpUri: no public URL for docs/checks.md; each rule's help carries its remediation and references" },
];
const accepted = (f: Finding) => ACCEPTED.some((a) => a.ruleId === f.ruleId && a.messageId === f.messageId && (!a.at || a.at.test(f.at)));
const tally = (fs: Finding[]) => fs.map((f) => `${f.level} ${f.ruleId} ${f.messageId} ${f.at}`);

const work = mkdtempSync(join(tmpdir(), "apex-sarif-multitool-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function apexPolicySarif(name: string): string {
  const out = join(work, name);
  const r = spawnSync(process.execPath, ["bin/apex.mjs", "policy", "-f", "infra/compose.yaml", "--format", "sarif", "--out", out], { encoding: "utf8", timeout: 120_000 });
  expect([0, 1], r.stderr).toContain(r.status); // a failing policy writes its SARIF too; only exit 2 (bad input) is wrong
  return join(out, "report.sarif");
}
const readLog = (file: string) => JSON.parse(readFileSync(file, "utf8"));

const files = { policy: "", policyAgain: "", sample: join(work, "sample.sarif"), broken: join(work, "broken.sarif") };
const found: Record<RuleKind, Finding[]> = { default: [], Gh: [] };

beforeAll(() => {
  files.policy = apexPolicySarif("run-1");
  files.policyAgain = apexPolicySarif("run-2");
  writeFileSync(files.sample, renderSarif(sampleReport));
  // What the multitool must catch: a result without a location, a camelCase rule name.
  const broken = JSON.parse(renderSarif(sampleReport));
  delete broken.runs[0].results[0].locations;
  broken.runs[0].tool.driver.rules[0].name = "composeAnchorListReplaced";
  writeFileSync(files.broken, JSON.stringify(broken, null, 2));
  for (const kind of ["default", "Gh"] as const) found[kind] = validateSarif([files.policy, files.sample, files.broken], kind, work);
}, 300_000);

describe.each(["default", "Gh"] as const)("SARIF multitool validate, %s rules", (kind) => {
  const of = (file: string) => found[kind].filter((f) => f.file === file);

  it.each(["policy", "sample"] as const)("%s SARIF: no error, no warning, only the accepted notes", (name) => {
    const findings = of(files[name]);
    expect(tally(findings.filter((f) => f.level !== "note"))).toEqual([]);
    expect(tally(findings.filter((f) => !accepted(f)))).toEqual([]);
  });

  it("the logs it passed have results to judge (the policy run's waivers; the sample's failing runtime check)", () => {
    const policy = readLog(files.policy).runs[0].results;
    expect(policy.filter((r: { suppressions?: unknown[] }) => r.suppressions?.length === 1).length).toBeGreaterThan(0);
    expect(readLog(files.sample).runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toContain("runtime/cap-eff-zero");
  });

  it("it does reject a result without a location and a rule name that is not Pascal-case (the check has teeth)", () => {
    const bad = of(files.broken).filter((f) => f.level !== "note" || !accepted(f));
    if (kind === "Gh") expect(bad).toContainEqual(expect.objectContaining({ level: "error", ruleId: "GH1015", at: "runs[0].results[0]" }));
    else expect(bad).toContainEqual(expect.objectContaining({ ruleId: "SARIF2012", messageId: "Note_FriendlyNameNotAPascalIdentifier" }));
  });
});

describe("partial fingerprints of two apex policy runs", () => {
  const fingerprints = (file: string) => readLog(file).runs[0].results.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints);

  it("are the same in both runs, though the runs' times differ", () => {
    const [a, b] = [readLog(files.policy).runs[0], readLog(files.policyAgain).runs[0]];
    expect(a.invocations[0].startTimeUtc).not.toBe(b.invocations[0].startTimeUtc);
    expect(fingerprints(files.policyAgain)).toEqual(fingerprints(files.policy));
  });

  it("hold no absolute path, output directory or time", () => {
    const all = fingerprints(files.policy).flatMap((f: Record<string, string>) => Object.values(f));
    expect(all.length).toBeGreaterThan(0);
    for (const v of all) {
      expect(v).not.toContain(process.cwd());
      expect(v).not.toContain(work);
      expect(v).not.toMatch(/^\/|\d{4}-\d\d-\d\dT/);
    }
  });
});
