// `apex verify`: the whole pipeline on the current Docker host. Each run gets its own
// compose project, and teardown always happens (also on failure, Ctrl-C and SIGTERM)
// unless --keep is given.
import { randomBytes } from "node:crypto";
import { appendFileSync } from "node:fs";
import { killRunning, type ComposeTarget } from "../docker.ts";
import { EXIT_FAIL, EXIT_PASS } from "../errors.ts";
import { loadResolvedCompose, type ResolvedCompose } from "../sources/compose.ts";
import { createProgress } from "../progress.ts";
import { loadSecretValues, redact, redactDeep } from "../redact.ts";
import { buildReport } from "../report/build.ts";
import { renderers, writeReport } from "../report/index.ts";
import { STACK_CHECKS, stackResult } from "../stack/checks.ts";
import { build, down, failureEvidence, leftovers, up, waitReady } from "../stack/lifecycle.ts";
import { hostVersions, imageInfo, prepareInputs, requireImages, servicesNotRun, unavailableImages } from "../stack/host.ts";
import { buildMatrix } from "../report/matrix.ts";
import { runPolicy } from "../policy.ts";
import { runProbes } from "../probe.ts";
import { runWorkflows } from "../workflows/index.ts";
import { applyExemptions, loadExemptions } from "../exemptions.ts";
import { selected } from "../catalogue.ts";
import type { CheckResult, Report } from "../types.ts";
import type { CommonOptions } from "../cli.ts";

export interface VerifyOptions extends CommonOptions {
  exemptions: string;
  keep?: boolean;
  skipWorkflows?: boolean;
  /** false: use the images already present (commander's --no-build). */
  build?: boolean;
  /** Seconds to wait for every service to be ready. */
  readyTimeout?: number;
}

export interface VerifyOutcome {
  report: Report;
  exitCode: number;
  files: string[];
}

export async function runVerify(opts: VerifyOptions): Promise<VerifyOutcome> {
  const startedAt = new Date();
  let secrets = loadSecretValues();
  const scrub = (s: string) => redact(s, secrets);
  const progress = createProgress(scrub);
  const project = opts.projectName ?? `apex-verify-${randomBytes(3).toString("hex")}`;
  const target: ComposeTarget = { files: opts.compose, projectName: project, profiles: opts.profile };
  const checks: CheckResult[] = [];
  const extra: Partial<Report> = {};
  let model: ResolvedCompose | undefined;
  let teardownDone: Promise<void> | undefined;
  let aborted: NodeJS.Signals | undefined;

  // One teardown per run, shared by the normal path and the signal handler.
  const teardown = (): Promise<void> => {
    if (opts.keep) return Promise.resolve();
    teardownDone ??= progress
      .phase("teardown", async () => {
        const r = await down(target);
        const left = await leftovers(project);
        if (r.exitCode !== 0 || left.length) throw new Error(`teardown left ${left.length} object(s): ${left.join(" ")}`);
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
    extra.toolVersions = await progress.phase("setup", async () => {
      const versions = await hostVersions();
      model = await loadResolvedCompose(target);
      await prepareInputs();
      secrets = loadSecretValues();
      return versions;
    });
    // Exemptions may name services of profiles this run leaves out (pghero).
    const notRun = await servicesNotRun(target, model!);
    const exemptions = loadExemptions(opts.exemptions, [...Object.keys(model!.services), ...notRun]);

    const built =
      opts.build === false
        ? await progress.phase("build", () => requireImages(model!), { failed: (r) => r.exitCode !== 0 })
        : await progress.phase("build", () => build(target), { failed: (r) => r.exitCode !== 0 });
    if (built.exitCode !== 0) {
      checks.push(stackResult(STACK_CHECKS.build, null, "fail", opts.build === false ? "images missing (--no-build)" : "docker compose build failed", [
        { command: built.argv, exitCode: built.exitCode, output: built.stderr.trim().slice(-3000) },
      ]));
    } else {
      checks.push(stackResult(STACK_CHECKS.build, null, "pass", "every image built"));
      extra.images = await imageInfo(model!);
    }

    const unavailable = built.exitCode === 0 ? await unavailableImages(model!) : new Map<string, string>();
    for (const [svc, why] of unavailable) checks.push(stackResult(STACK_CHECKS.notRun, svc, "skip", `${svc} not run: ${why}`));

    // Static policy needs no running stack: it runs while the stack comes up.
    const policyRun = progress.phase("policy", () =>
      runPolicy({ target, resolved: model, exemptionsFile: opts.exemptions, readImages: built.exitCode === 0, selection: opts.selection }),
    );
    let ready = false;
    if (built.exitCode === 0) {
      ready = await progress.phase(
        "up",
        async () => {
          const services = Object.keys(model!.services).filter((s) => !unavailable.has(s));
          const started = await up(target, unavailable.size ? services : undefined);
          const outcome = await waitReady(target, services, (opts.readyTimeout ?? 180) * 1000);
          if (started.exitCode !== 0 && outcome.ok) outcome.ok = false;
          for (const svc of services) {
            if (outcome.failed.includes(svc)) {
              const ev = await failureEvidence(target, outcome.states.get(svc), svc);
              checks.push(stackResult(STACK_CHECKS.healthy, svc, "fail", `${svc} did not become ready`, ev));
            } else {
              checks.push(stackResult(STACK_CHECKS.healthy, svc, "pass", `${svc} ready in ${(outcome.elapsedMs / 1000).toFixed(1)}s`));
            }
          }
          if (started.exitCode !== 0 && outcome.failed.length === 0)
            checks.push(stackResult(STACK_CHECKS.healthy, null, "fail", "docker compose up failed", [
              { command: started.argv, exitCode: started.exitCode, output: started.stderr.trim().slice(-2000) },
            ]));
          return outcome.ok && started.exitCode === 0;
        },
        { failed: (ok) => !ok },
      );
    }
    for (const svc of notRun)
      checks.push(stackResult(STACK_CHECKS.notRun, svc, "skip",
        `${svc} is in a compose profile that is not enabled (its upstream image cannot be pulled where no registry is reachable); enable it with --profile`));

    checks.push(...(await policyRun));

    if (ready) {
      const runtime = await progress.phase("probe", () => runProbes({ target, exemptions, model }), {
        failed: (r) => r.some((c) => c.status === "fail"),
      });
      checks.push(...applyExemptions(runtime, exemptions));
      if (!opts.skipWorkflows) {
        const flows = await progress.phase("workflow", () => runWorkflows({ target, repoRoot: process.cwd(), wanted: (id) => selected(opts.selection, id) }), {
          failed: (r) => r.some((c) => c.status === "fail"),
        });
        checks.push(...applyExemptions(flows, exemptions));
      }
    }
    extra.matrix = buildMatrix(model!, exemptions, checks);
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
    buildReport({ command: "verify", startedAt, checks: checks.filter((c) => selected(opts.selection, c.id)), phases: progress.phases, composeFiles: opts.compose, project, extra }),
    secrets,
  );
  const files = writeReport(report, opts.format, opts.out);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, renderers.md(report) + "\n");
  return { report, exitCode: report.status === "pass" ? EXIT_PASS : EXIT_FAIL, files };
}

export async function run(opts: VerifyOptions): Promise<number> {
  const { report, exitCode, files } = await runVerify(opts);
  const s = report.summary;
  const fails = report.checks.filter((c) => c.status === "fail");
  for (const c of fails.slice(0, 20)) process.stdout.write(`FAIL ${c.service ?? "-"} ${c.id}: ${c.message}\n`);
  if (fails.length > 20) process.stdout.write(`… and ${fails.length - 20} more failures (see the report)\n`);
  const timing = report.phases.map((p) => `${p.name} ${(p.durationMs / 1000).toFixed(1)}s`).join(", ");
  process.stdout.write(
    `apex verify: ${report.status.toUpperCase()} — ${s.pass} passed, ${s.fail} failed, ${s.waived} waived, ${s.skip} skipped (${timing})\n`,
  );
  process.stdout.write(`report: ${files.join(", ")}\n`);
  return exitCode;
}
