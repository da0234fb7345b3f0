// `manage env`: the seed's manage_env check, as a view of the policy result. The same four
// rules `apex policy` runs (compose/cap-drop-all, no-new-privileges, read-only-rootfs,
// no-privileged), on the same resolved model, with the same exemptions file: nothing is
// judged or exempted here that policy does not judge or exempt.
import type { CheckResult } from "../types.ts";

export const ENV_RULES = {
  "compose/cap-drop-all": "cap_drop",
  "compose/no-new-privileges": "no-new-privileges",
  "compose/read-only-rootfs": "read_only",
  "compose/no-privileged": "privileged",
} as const;

export interface EnvFinding {
  service: string;
  property: (typeof ENV_RULES)[keyof typeof ENV_RULES] | "exempt";
  ok: boolean;
  expected: string;
  actual: string;
  check?: string;
}

const EXPECTED: Record<string, string> = { cap_drop: "[ALL]", "no-new-privileges": "no-new-privileges:true", read_only: "true", privileged: "false" };

/** One finding per (service, property); a service whose four results are all waived is one "exempt" line. */
export function envFindings(results: CheckResult[]): EnvFinding[] {
  const ours = results.filter((r) => r.service && r.id in ENV_RULES);
  const services = [...new Set(ours.map((r) => r.service!))].sort();
  return services.flatMap((service): EnvFinding[] => {
    const rs = ours.filter((r) => r.service === service);
    if (rs.length && rs.every((r) => r.status === "waived"))
      return [{ service, property: "exempt" as const, ok: true, expected: "exempt", actual: rs[0]!.waiver?.reason ?? "waived" }];
    return rs.map((r) => {
      const property = ENV_RULES[r.id as keyof typeof ENV_RULES];
      const ev = r.evidence.find((e) => e.property === property) ?? r.evidence[0];
      const actual = r.status === "waived" ? `waived: ${r.waiver?.reason ?? ""}` : r.status === "fail" ? (ev?.actual ?? r.message) : EXPECTED[property]!;
      return { service, property, ok: r.status !== "fail", expected: EXPECTED[property]!, actual, check: r.id };
    });
  });
}

export function renderEnv(findings: EnvFinding[]): string {
  const lines: string[] = [];
  for (const service of [...new Set(findings.map((f) => f.service))]) {
    const fs = findings.filter((f) => f.service === service);
    if (fs[0]!.property === "exempt") {
      lines.push(`  -  ${service.padEnd(16)} exempt: ${fs[0]!.actual}`);
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
