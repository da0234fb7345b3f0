// Test support: runs Microsoft's SARIF multitool `validate` (the Linux binary that ships
// in @microsoft/sarif-multitool's platform package) and returns what it found, per
// validated file. apex itself never runs it.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import multitool from "@microsoft/sarif-multitool";

/** Without --rule-kind the multitool runs its SARIF rules; "Gh" is GitHub's (what code scanning requires). */
export type RuleKind = "default" | "Gh";

export interface Finding {
  file: string; // the validated file
  level: "error" | "warning" | "note";
  ruleId: string; // e.g. SARIF2012
  messageId: string; // which message of the rule, e.g. Note_ProvideHelpUri
  at: string; // JSON path in the validated log
}

// SARIF2005 (ProvideToolProperties) warns that the driver has no informationUri, and apex
// has no public home to name (sarif.ts says why none is invented). Lowering the rule to
// notes keeps every SARIF2005 finding visible: the test accepts only that one message.
const POLICY = `<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key="SARIF2005.ProvideToolProperties.Options">
    <Property Key="RuleEnabled" Value="Note" />
  </Properties>
</Properties>
`;

interface LoggedResult {
  ruleId: string;
  level?: Finding["level"];
  message: { id?: string; arguments?: string[] };
  locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[];
}

export function validateSarif(files: string[], ruleKind: RuleKind, workDir: string): Finding[] {
  const policy = join(workDir, "multitool-policy.xml");
  const output = join(workDir, `multitool-${ruleKind}.sarif`);
  writeFileSync(policy, POLICY);
  const args = ["validate", ...files, "--level", "Error;Warning;Note", "--config", policy, "--output", output, "--log", "ForceOverwrite"];
  if (ruleKind !== "default") args.push("--rule-kind", ruleKind);
  const run = spawnSync(multitool, args, { encoding: "utf8", timeout: 120_000 });
  // It exits 0 whatever it finds; non-zero means it could not run at all.
  if (run.status !== 0) throw new Error(`sarif-multitool validate exited ${run.status ?? run.signal}: ${run.stderr || run.stdout}`);
  const log = JSON.parse(readFileSync(output, "utf8")) as { runs: { results?: LoggedResult[] }[] };
  return (log.runs[0]!.results ?? []).map((r) => {
    const uri = r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? "";
    return {
      file: uri.startsWith("file:") ? fileURLToPath(uri) : uri,
      level: r.level ?? "warning", // SARIF's default level
      ruleId: r.ruleId,
      messageId: r.message.id ?? "",
      at: r.message.arguments?.[0] ?? "",
    };
  });
}
