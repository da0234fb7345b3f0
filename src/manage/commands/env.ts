// `manage env`: the resolved compose config keeps the posture on every long-running service.
import { loadResolvedCompose } from "../../sources/compose.ts";
import { checkEnv, renderEnv } from "../envcheck.ts";
import type { Target } from "../target.ts";

export async function run(t: Target, o: { json?: boolean }): Promise<number> {
  const model = await loadResolvedCompose({ files: t.files, projectName: t.projectName });
  const findings = checkEnv(model);
  const failed = findings.filter((f) => !f.ok);
  if (o.json) process.stdout.write(`${JSON.stringify({ ok: failed.length === 0, findings })}\n`);
  else {
    process.stdout.write(`${renderEnv(findings)}\n`);
    process.stdout.write(failed.length ? `env: ${failed.length} problem(s)\n` : "env: posture intact\n");
  }
  return failed.length ? 1 : 0;
}
