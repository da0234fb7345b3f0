// `apex probe`: runtime probes against a running compose project. Writes the report,
// prints failures, exit 0/1.
import { selected } from "../catalogue.ts";
import { EXIT_FAIL, EXIT_PASS, UsageError } from "../errors.ts";
import { applyExemptions, loadExemptionsFor } from "../exemptions.ts";
import { evaluateCollected } from "../probe.ts";
import { runDatabaseChecks } from "../database.ts";
import { collect } from "../probes/collect.ts";
import { serviceLocations } from "../sources/composeRaw.ts";
import { buildReport } from "../report/build.ts";
import { loadResolvedCompose } from "../sources/compose.ts";
import { loadSecretValues, redactDeep, secretDirsOf, useSecrets } from "../redact.ts";
import type { ComposeTarget } from "../docker.ts";
import type { CommonOptions } from "../cli.ts";
import { writeReport } from "../report/index.ts";
import { createOutput } from "./output.ts";

export interface ProbeOptions extends CommonOptions {
  exemptions?: string;
}


export async function run(opts: ProbeOptions): Promise<number> {
  const startedAt = new Date();
  const target: ComposeTarget = { files: opts.compose, projectName: opts.projectName, profiles: opts.profile };
  const modelP = loadResolvedCompose(target);
  modelP.catch(() => undefined);
  const t0 = performance.now();
  const c = await collect(target, { model: modelP });
  const model = await modelP;
  const secrets = loadSecretValues(secretDirsOf(model));
  useSecrets(secrets);
  const project = c.project;
  if (c.facts.length === 0) throw new UsageError(`no running container in compose project "${project}" (start it, or pass -p <project>)`, opts.compose[0]);
  const exemptions = await loadExemptionsFor(opts.exemptions, target, model);
  const database = await runDatabaseChecks(target, model);
  const checks = applyExemptions([...evaluateCollected(c, exemptions), ...database].filter((x) => selected(opts.selection, x.id)), exemptions);
  const failed = checks.some((x) => x.status === "fail");
  // Evidence is raw output (healthcheck logs included): mask any generated secret value.
  const report = redactDeep(buildReport({
    command: "probe",
    startedAt,
    checks,
    composeFiles: opts.compose,
    project,
    serviceLocations: serviceLocations(target.files, process.cwd()),
    phases: [{ name: "probe", status: failed ? "fail" : "pass", durationMs: Math.round(performance.now() - t0) }],
  }), secrets);
  const files = writeReport(report, opts.format, opts.out);
  const out = createOutput(opts);
  for (const x of report.checks.filter((x) => x.status === "fail")) out.detail(`${out.paint("FAIL", "fail")} ${x.service} ${x.id}: ${x.message}`);
  const s = report.summary;
  const where = files.length ? ` -> ${files.join(", ")}` : "";
  out.result(`probe ${report.project}: ${out.paint(report.status.toUpperCase(), report.status)} — ${c.facts.length} container(s), ${s.pass} pass, ${s.fail} fail, ${s.skip} skip, ${s.waived} waived${where}`);
  return report.status === "pass" ? EXIT_PASS : EXIT_FAIL;
}
