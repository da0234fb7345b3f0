// The CI workflows call the module exactly as the README tells a laptop user to, publish
// every rendering of the report, and hand credentials to Dagger only as secrets.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = resolve(import.meta.dirname, "../..");
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { permissions?: Record<string, string>; steps: Step[] }>;
}
const load = (name: string) => parse(readFileSync(join(ROOT, ".github/workflows", name), "utf8")) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const engine = JSON.parse(readFileSync(join(ROOT, "dagger.json"), "utf8")).engineVersion as string;

describe("verify.yml", () => {
  const w = load("verify.yml");
  const all = steps(w);
  const dagger = all.filter((s) => s.uses?.startsWith("dagger/dagger-for-github@"));

  it("runs the laptop command through the official Dagger action, at the module's engine version", () => {
    expect(dagger).toHaveLength(1);
    expect(dagger[0].with).toMatchObject({ verb: "call", args: "verify export --path report", version: engine });
    expect(readme).toContain("`dagger call verify export --path report`");
  });

  it("publishes the report, the SARIF, the JUnit and the Markdown summary even when checks failed", () => {
    const after = all.slice(all.indexOf(dagger[0]) + 1);
    const find = (pred: (s: Step) => boolean) => {
      const s = after.find(pred);
      expect(s).toBeDefined();
      expect(s!.if).toMatch(/!cancelled\(\)/);
      return s!;
    };
    expect(find((s) => !!s.uses?.startsWith("actions/upload-artifact@")).with!.path).toBe("report/");
    expect(find((s) => !!s.uses?.startsWith("github/codeql-action/upload-sarif@")).with!.sarif_file).toBe("report/report.sarif");
    expect(find((s) => !!s.uses?.includes("junit")).with!.report_paths).toBe("report/report.junit.xml");
    expect(find((s) => !!s.run?.includes("GITHUB_STEP_SUMMARY")).run).toContain("report/report.md");
    // The job, not the workflow, holds the scope (github-workflows.test.ts checks them all).
    expect(w.jobs.verify.permissions?.["security-events"]).toBe("write");
  });

  it("fails the job last, from the exit code verify recorded", () => {
    const last = all[all.length - 1];
    expect(last.if).toBeUndefined();
    expect(last.run).toContain("report/exit-code");
  });
});

describe("release.yml", () => {
  const w = load("release.yml");
  const dagger = steps(w).find((s) => s.uses?.startsWith("dagger/dagger-for-github@"))!;

  it("runs on version tags and calls release", () => {
    expect(w.on).toEqual({ push: { tags: ["v*"] } });
    expect(dagger.with!.args).toMatch(/^release --registry .* --tag .* --username .* --password env:\/\/REGISTRY_PASSWORD --sign-key env:\/\/COSIGN_KEY --sign-key-password env:\/\/COSIGN_PASSWORD$/);
    expect(dagger.with!.version).toBe(engine);
  });

  it("passes the passwords and the signing key only as Dagger secret references, never inline", () => {
    expect(dagger.env!.REGISTRY_PASSWORD).toBe("${{ secrets.REGISTRY_PASSWORD }}");
    expect(dagger.env!.COSIGN_KEY).toBe("${{ secrets.COSIGN_KEY }}");
    expect(dagger.env!.COSIGN_PASSWORD).toBe("${{ secrets.COSIGN_PASSWORD }}");
    expect(dagger.with!.args).not.toMatch(/secrets\./);
    expect(readme).toMatch(/dagger call release .*--password env:\/\/REGISTRY_PASSWORD/);
  });
});
