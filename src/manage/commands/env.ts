// `manage env`: the posture rules of `apex policy` on the resolved compose config, with the
// same exemptions file (default: exemptions.yaml beside the first compose file, if any).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { selection } from "../../catalogue.ts";
import { runPolicy } from "../../policy.ts";
import { ENV_RULES, envFindings, renderEnv } from "../envcheck.ts";
import type { Target } from "../target.ts";

export async function run(t: Target, o: { json?: boolean; exemptions?: string }): Promise<number> {
  const beside = join(dirname(t.files[0]!), "exemptions.yaml");
  const checks = await runPolicy({
    target: { files: t.files, projectName: t.projectName },
    exemptionsFile: o.exemptions ?? (existsSync(beside) ? beside : undefined),
    readImages: false,
    selection: selection(Object.keys(ENV_RULES)),
  });
  const findings = envFindings(checks);
  const failed = findings.filter((f) => !f.ok);
  if (o.json) process.stdout.write(`${JSON.stringify({ ok: failed.length === 0, findings })}\n`);
  else {
    process.stdout.write(`${renderEnv(findings)}\n`);
    process.stdout.write(failed.length ? `env: ${failed.length} problem(s)\n` : "env: posture intact\n");
  }
  return failed.length ? 1 : 0;
}
