// `apex policy` as a library: read the sources once into the model, run every registered
// rule on every service (pure, synchronous), then apply the recorded exemptions.
import type { ComposeTarget } from "./docker.ts";
import { selected, type Selection } from "./catalogue.ts";
import { applyExemptions, loadExemptionsFor, type Exemption } from "./exemptions.ts";
import type { PolicyModel, Rule, ServiceModel } from "./model.ts";
import type { ResolvedCompose } from "./sources/compose.ts";
import { rules as registry } from "./rules/registry.ts";
import { loadModel } from "./sources/load.ts";
import { resultOf } from "./result.ts";
import type { CheckResult } from "./types.ts";

export interface PolicyOptions {
  selection?: Selection;
  target: ComposeTarget;
  resolved?: ResolvedCompose;
  /** undefined: no exemptions file (nothing is waived). */
  exemptionsFile?: string;
  /** Already loaded (verify loads them once per run); wins over exemptionsFile. */
  exemptions?: Exemption[];
  /** Told the resolved model once it is read (the policy command finds the stack's secrets from it). */
  onResolved?: (m: ResolvedCompose) => void;
  readImages: boolean;
  repoRoot?: string;
}

/** One result per (rule, service): findings are folded into its evidence. */
export function runRule(rule: Rule, s: ServiceModel, model: PolicyModel): CheckResult {
  const started = performance.now();
  let out;
  try {
    out = rule.check(s, model);
  } catch (err) {
    // A rule bug must not hide the other results; it is reported as a failure of that rule.
    out = { status: "fail" as const, findings: [{ message: `rule error: ${(err as Error).message}`, evidence: { note: "internal rule error" } }] };
  }
  const durationMs = performance.now() - started;
  if (out.status !== "fail")
    return resultOf(rule, s.name, { status: out.status, message: out.message, evidence: out.status === "pass" ? (out.evidence ?? []) : [], location: s.raw.location, durationMs });
  const [first, ...rest] = out.findings;
  return resultOf(rule, s.name, {
    status: "fail",
    message: `${first?.message ?? "failed"}${rest.length ? ` (+${rest.length} more)` : ""}`,
    location: first?.location ?? s.raw.location,
    evidence: out.findings.map((f) => ({ ...f.evidence, location: f.evidence.location ?? f.location })),
    durationMs,
  });
}

export function evaluate(model: PolicyModel, rules: readonly Rule[] = registry): CheckResult[] {
  return model.services.flatMap((s) => rules.map((r) => runRule(r, s, model)));
}

export async function runPolicy(opts: PolicyOptions): Promise<CheckResult[]> {
  let resolved = opts.resolved;
  const onResolved = (m: ResolvedCompose) => ((resolved = m), opts.onResolved?.(m));
  const model = await loadModel(opts.target, { readImages: opts.readImages, repoRoot: opts.repoRoot ?? process.cwd(), resolved: opts.resolved, onResolved });
  const wanted = registry.filter((r) => selected(opts.selection, r.id));
  // judged against every service compose declares (included files, other profiles too)
  const exemptions = opts.exemptions ?? (await loadExemptionsFor(opts.exemptionsFile, opts.target, resolved!));
  return applyExemptions(evaluate(model, wanted), exemptions);
}
