// `apex verify`: the whole pipeline on the current Docker host. Each run gets its own
// compose project, and teardown always happens (also on failure, Ctrl-C and SIGTERM)
// unless --keep is given.
import { randomBytes } from "node:crypto";
import { appendFileSync } from "node:fs";
import { killRunning, type ComposeTarget } from "../docker.ts";
import { EXIT_FAIL, EXIT_PASS } from "../errors.ts";
import { loadResolvedCompose, type ResolvedCompose } from "../sources/compose.ts";
import { createProgress } from "../progress.ts";
import { clip, loadSecretValues, redact, redactDeep, secretDirsOf, useSecrets } from "../redact.ts";
import { serviceLocations } from "../sources/composeRaw.ts";
import { buildReport } from "../report/build.ts";
import { engineEnvironment } from "../report/environment.ts";
import { UsageError } from "../errors.ts";
import { renderers, writeReport } from "../report/index.ts";
import { STACK_CHECKS, stackResult } from "../stack/checks.ts";
import { build, down, failureEvidence, leftovers, up, waitReady } from "../stack/lifecycle.ts";
import { hostVersions, swarmCheck, imageInfo, prepareInputs, requireImages, servicesNotRun, unavailableImages } from "../stack/host.ts";
import { buildMatrix } from "../report/matrix.ts";
import { createOutput } from "./output.ts";
import { runPolicy } from "../policy.ts";
import { runProbes } from "../probe.ts";
import { runDatabaseChecks } from "../database.ts";
import { databaseTopology } from "../database/collect.ts";
import { databaseSkipped, skippedDatabaseChecks, skippedWorkflows, workflowsSkipped } from "./health-gate.ts";
import { runWorkflows } from "../workflows/index.ts";
import { applyExemptions, loadExemptions, type Exemption } from "../exemptions.ts";
import { selected, selection } from "../catalogue.ts";
import { HOST_GUARD_RULES } from "../rules/registry.ts";
import type { CheckResult, Report } from "../types.ts";
import type { CommonOptions } from "../cli.ts";

export interface VerifyOptions extends CommonOptions {
  /** undefined: this stack records no exemptions */
  exemptions?: string;
  keep?: boolean;
  skipWorkflows?: boolean;
  /** false: use the images already present (commander's --no-build). */
  build?: boolean;
  /** Seconds to wait for every service to be ready. */
  readyTimeout?: number;
  /** --hermetic: the pipeline's topology (src/hermetic/run.ts) instead of this Docker host. */
  hermetic?: boolean;
  /** --engine-storage: the hermetic engine's /var/lib/docker, tmpfs or volume (src/hermetic/storage.ts). */
  engineStorage?: string;
}

export interface VerifyOutcome {
  report: Report;
  exitCode: number;
  files: string[];
}

/** What the phases of one run share: its inputs, the snapshot they gather, the results. */
interface Run {
  opts: VerifyOptions;
  target: ComposeTarget;
  progress: ReturnType<typeof createProgress>;
  checks: CheckResult[];
  extra: Partial<Report>;
  /** The run's snapshot: the resolved model and the exemptions, read once. */
  model: ResolvedCompose;
  exemptions: Exemption[];
  notRun: string[];
  built: boolean;
  unavailable: Map<string, string>;
  policy: Promise<CheckResult[]>;
  /** `docker compose up` was run: there may be containers to probe, healthy or not. */
  started: boolean;
  ready: boolean;
  /** Services that did not become ready (stack/healthy failed for them). */
  unready: string[];
  /** Why nothing may be built or started (a host-guarding check failed), if so. */
  refused?: string;
}

async function setupPhase(r: Run): Promise<void> {
  r.extra.toolVersions = await r.progress.phase("setup", async () => {
    const versions = await hostVersions();
    r.model = await loadResolvedCompose(r.target);
    await prepareInputs();
    return versions;
  });
  r.checks.push(await swarmCheck()); // CIS 5.1: a host fact, reported with the stack/* checks
  // Exemptions may name services of profiles this run leaves out (pghero).
  r.notRun = await servicesNotRun(r.target, r.model);
  r.exemptions = r.opts.exemptions ? loadExemptions(r.opts.exemptions, [...Object.keys(r.model.services), ...r.notRun]) : [];
}

/** Before anything is built or started: what would take effect on the host as soon as
 *  compose applied it (privileged, host namespaces and paths, docker.sock, devices, a build
 *  or a file outside the repository) must pass, or verify touches nothing. */
async function hostGuardPhase(r: Run): Promise<void> {
  const guard = await r.progress.phase(
    "host-guard",
    () => runPolicy({ target: r.target, resolved: r.model, exemptions: r.exemptions, readImages: false, selection: selection(HOST_GUARD_RULES as string[]) }),
    { failed: (x) => x.some((c) => c.status === "fail") },
  );
  const failed = guard.filter((c) => c.status === "fail");
  if (!failed.length) {
    r.checks.push(stackResult(STACK_CHECKS.hostGuard, null, "pass", `${HOST_GUARD_RULES.length} host-guarding checks passed on every service before anything was built or started`));
    return;
  }
  r.refused = `${failed.length} host-guarding check(s) failed: nothing was built or started`;
  r.progress.note(`refusing to build or start: ${failed.map((c) => `${c.service} ${c.id}`).join(", ")}`);
  r.checks.push(stackResult(STACK_CHECKS.hostGuard, null, "fail", r.refused, failed.map((c) => ({ property: c.id, actual: `${c.service}: ${c.message}`, location: c.location }))));
}

async function buildPhase(r: Run): Promise<void> {
  if (r.refused) return;
  const noBuild = r.opts.build === false;
  const built = await r.progress.phase("build", () => (noBuild ? requireImages(r.model) : build(r.target)), { failed: (x) => x.exitCode !== 0 });
  r.built = built.exitCode === 0;
  if (!r.built) {
    r.checks.push(stackResult(STACK_CHECKS.build, null, "fail", noBuild ? "images missing (--no-build)" : "docker compose build failed", [
      { command: built.argv, exitCode: built.exitCode, output: clip(built.stderr.trim(), 3000) },
    ]));
    return;
  }
  r.checks.push(stackResult(STACK_CHECKS.build, null, "pass", "every image built"));
  r.extra.images = await imageInfo(r.model);
  r.unavailable = await unavailableImages(r.model);
  for (const [svc, why] of r.unavailable) r.checks.push(stackResult(STACK_CHECKS.notRun, svc, "skip", `${svc} not run: ${why}`));
}

/** Static policy needs no running stack: it runs while the stack comes up. */
function startPolicyPhase(r: Run): void {
  r.policy = r.progress.phase("policy", () =>
    runPolicy({ target: r.target, resolved: r.model, exemptions: r.exemptions, readImages: r.built, selection: r.opts.selection }),
  );
}

async function upPhase(r: Run): Promise<void> {
  if (!r.built) return;
  r.ready = await r.progress.phase(
    "up",
    async () => {
      const services = Object.keys(r.model.services).filter((s) => !r.unavailable.has(s));
      const started = await up(r.target, r.unavailable.size ? services : undefined);
      r.started = true;
      const outcome = await waitReady(r.target, services, (r.opts.readyTimeout ?? 180) * 1000);
      if (started.exitCode !== 0 && outcome.ok) outcome.ok = false;
      r.unready = outcome.failed;
      for (const svc of services) {
        if (outcome.failed.includes(svc)) {
          const ev = await failureEvidence(r.target, outcome.states.get(svc), svc);
          r.checks.push(stackResult(STACK_CHECKS.healthy, svc, "fail", `${svc} did not become ready`, ev));
        } else {
          r.checks.push(stackResult(STACK_CHECKS.healthy, svc, "pass", `${svc} ready in ${(outcome.elapsedMs / 1000).toFixed(1)}s`));
        }
      }
      if (started.exitCode !== 0 && outcome.failed.length === 0)
        r.checks.push(stackResult(STACK_CHECKS.healthy, null, "fail", "docker compose up failed", [
          { command: started.argv, exitCode: started.exitCode, output: clip(started.stderr.trim(), 2000) },
        ]));
      return outcome.ok && started.exitCode === 0;
    },
    { failed: (ok) => !ok },
  );
}

async function policyResultsPhase(r: Run): Promise<void> {
  for (const svc of r.notRun)
    r.checks.push(stackResult(STACK_CHECKS.notRun, svc, "skip",
      `${svc} is in a compose profile that is not enabled (its upstream image cannot be pulled where no registry is reachable); enable it with --profile`));
  r.checks.push(...(await r.policy));
}

/** Posture never depends on a healthcheck: every running container is probed, healthy or not. */
async function probePhase(r: Run): Promise<void> {
  if (!r.started) return;
  // a phase fails on what stays failed once the recorded exemptions are applied
  const runtime = await r.progress.phase(
    "probe",
    async () => applyExemptions(await runProbes({ target: r.target, exemptions: r.exemptions, model: r.model }), r.exemptions),
    { failed: (x) => x.some((c) => c.status === "fail") },
  );
  r.checks.push(...runtime);
}

async function databasePhase(r: Run): Promise<void> {
  if (!r.started) return;
  const { dbService } = databaseTopology(r.model);
  const skipped = databaseSkipped(r, dbService);
  if (skipped) {
    r.progress.skip("database", skipped);
    r.checks.push(...skippedDatabaseChecks(skipped, dbService).filter((c) => selected(r.opts.selection, c.id)));
    return;
  }
  const db = await r.progress.phase(
    "database",
    async () => applyExemptions((await runDatabaseChecks(r.target, r.model)).filter((c) => selected(r.opts.selection, c.id)), r.exemptions),
    { failed: (x) => x.some((c) => c.status === "fail") },
  );
  r.checks.push(...db);
}

async function workflowPhase(r: Run): Promise<void> {
  if (!r.started || r.opts.skipWorkflows) return;
  const skipped = workflowsSkipped(r);
  if (skipped) {
    r.progress.skip("workflow", skipped);
    r.checks.push(...skippedWorkflows(skipped, (id) => selected(r.opts.selection, id)));
    return;
  }
  const policy = await r.policy;
  const flows = await r.progress.phase(
    "workflow",
    async () => applyExemptions(await runWorkflows({ target: r.target, repoRoot: process.cwd(), wanted: (id) => selected(r.opts.selection, id), policy, model: r.model }), r.exemptions),
    { failed: (x) => x.some((c) => c.status === "fail") },
  );
  r.checks.push(...flows);
}

async function matrixPhase(r: Run): Promise<void> {
  r.extra.matrix = buildMatrix(r.model, r.exemptions, r.checks);
}

/** The pipeline, in order. Each phase reads the run's snapshot and adds results. */
const PHASES: Array<(r: Run) => Promise<void> | void> = [hostGuardPhase, buildPhase, startPolicyPhase, upPhase, policyResultsPhase, probePhase, databasePhase, workflowPhase, matrixPhase];

export async function runVerify(opts: VerifyOptions): Promise<VerifyOutcome> {
  const startedAt = new Date();
  const engine = engineEnvironment(); // a bad runner variable stops the run before it starts
  let secrets = loadSecretValues();
  const scrub = (s: string) => redact(s, secrets);
  const progress = createProgress(scrub, { quiet: opts.quiet });
  const project = opts.projectName ?? `apex-verify-${randomBytes(3).toString("hex")}`;
  const target: ComposeTarget = { files: opts.compose, projectName: project, profiles: opts.profile };
  const r = { opts, target, progress, checks: [], extra: {}, notRun: [], built: false, unavailable: new Map(), started: false, ready: false, unready: [] } as unknown as Run;
  let teardownDone: Promise<void> | undefined;
  let aborted: NodeJS.Signals | undefined;

  // One teardown per run, shared by the normal path and the signal handler.
  const teardown = (): Promise<void> => {
    if (opts.keep) return Promise.resolve();
    teardownDone ??= progress
      .phase("teardown", async () => {
        const d = await down(target);
        const left = await leftovers(project);
        if (d.exitCode !== 0 || left.length) throw new Error(`teardown left ${left.length} object(s): ${left.join(" ")}`);
      })
      .catch(() => undefined);
    return teardownDone;
  };
  const onSignal = (sig: NodeJS.Signals) => {
    aborted = sig;
    progress.note(`${sig}: stopping and tearing down ${project}`);
    killRunning("SIGTERM");
    void teardown().finally(() => process.exit(sig === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    // the stack's own secret files (secrets.sh has just made them), wherever compose keeps them
    await setupPhase(r);
    secrets = loadSecretValues(secretDirsOf(r.model));
    useSecrets(secrets);
    for (const phase of PHASES) await phase(r);
  } catch (err) {
    if (aborted) await new Promise(() => undefined); // the signal handler exits once torn down
    throw err;
  } finally {
    await teardown();
    if (aborted) await new Promise(() => undefined);
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }

  const report = redactDeep(
    buildReport({ command: "verify", startedAt, checks: r.checks.filter((c) => selected(opts.selection, c.id)), phases: progress.phases, composeFiles: opts.compose, project, extra: { ...r.extra, environment: { engine } }, serviceLocations: serviceLocations(r.target.files, process.cwd()) }),
    secrets,
  );
  const files = writeReport(report, opts.format, opts.out);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, renderers.md(report) + "\n");
  return { report, exitCode: report.status === "pass" ? EXIT_PASS : EXIT_FAIL, files };
}

export async function run(opts: VerifyOptions): Promise<number> {
  if (opts.hermetic) return (await import("../hermetic/run.ts")).runHermetic(opts);
  if (opts.engineStorage !== undefined) throw new UsageError("--engine-storage applies to --hermetic only (this run uses the host's Docker engine)");
  const { report, exitCode, files } = await runVerify(opts);
  const s = report.summary;
  const out = createOutput(opts);
  const fails = report.checks.filter((c) => c.status === "fail");
  for (const c of fails.slice(0, 20)) out.detail(`${out.paint("FAIL", "fail")} ${c.service ?? "-"} ${c.id}: ${c.message}`);
  if (fails.length > 20) out.detail(`… and ${fails.length - 20} more failures (see the report)`);
  const timing = report.phases.map((p) => `${p.name} ${(p.durationMs / 1000).toFixed(1)}s`).join(", ");
  out.result(
    `apex verify: ${out.paint(report.status.toUpperCase(), report.status)} — ${s.pass} passed, ${s.fail} failed, ${s.waived} waived, ${s.skip} skipped (${timing})`,
  );
  if (files.length) out.detail(`report: ${files.join(", ")}`);
  return exitCode;
}
