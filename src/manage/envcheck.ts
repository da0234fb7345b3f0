// `manage env`: the seed's manage_env check, judged on the resolved compose model (what
// Docker will apply, anchors and overrides already merged). Pure: facts in, findings out.
import type { ResolvedCompose, ResolvedService } from "../sources/compose.ts";

/** The one service allowed outside the anchor: it chowns the volumes, then exits. */
export const ENV_EXEMPT: Record<string, string> = {
  volume_prep: "one-shot root job that chowns the volumes before the services start, then exits",
};

export interface EnvFinding {
  service: string;
  property: "cap_drop" | "no-new-privileges" | "read_only" | "privileged" | "exempt";
  ok: boolean;
  expected: string;
  actual: string;
}

const NNP = /^no-new-privileges(?:[:=]true)?$/;

export function checkService(name: string, s: ResolvedService): EnvFinding[] {
  const drops = (s.cap_drop ?? []).map((c) => c.toUpperCase());
  const opts = s.security_opt ?? [];
  return [
    { service: name, property: "cap_drop", ok: drops.includes("ALL"), expected: "[ALL]", actual: JSON.stringify(s.cap_drop ?? []) },
    { service: name, property: "no-new-privileges", ok: opts.some((o) => NNP.test(o)), expected: "no-new-privileges:true", actual: JSON.stringify(opts) },
    { service: name, property: "read_only", ok: s.read_only === true, expected: "true", actual: String(s.read_only ?? false) },
    { service: name, property: "privileged", ok: s.privileged !== true, expected: "false", actual: String(s.privileged ?? false) },
  ];
}

export function checkEnv(model: ResolvedCompose, exempt: Record<string, string> = ENV_EXEMPT): EnvFinding[] {
  const out: EnvFinding[] = [];
  for (const [name, svc] of Object.entries(model.services ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (exempt[name]) {
      out.push({ service: name, property: "exempt", ok: true, expected: "exempt", actual: exempt[name] });
      continue;
    }
    out.push(...checkService(name, svc));
  }
  return out;
}

export function renderEnv(findings: EnvFinding[]): string {
  const lines: string[] = [];
  for (const service of [...new Set(findings.map((f) => f.service))]) {
    const fs = findings.filter((f) => f.service === service);
    if (fs[0].property === "exempt") {
      lines.push(`  -  ${service.padEnd(16)} exempt: ${fs[0].actual}`);
      continue;
    }
    const bad = fs.filter((f) => !f.ok);
    lines.push(
      bad.length === 0
        ? `  ok ${service.padEnd(16)} cap_drop [ALL], no-new-privileges, read-only root`
        : `  XX ${service.padEnd(16)} ${bad.map((f) => `${f.property}: expected ${f.expected}, got ${f.actual}`).join("; ")}`,
    );
  }
  return lines.join("\n");
}
