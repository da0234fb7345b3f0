// The one result builder: every check of every kind (rule, probe, workflow, stack) turns
// its outcome into a CheckResult here, from its catalogue metadata.
import type { CheckMeta, CheckResult, CheckStatus, Evidence, Location } from "./types.ts";

export interface ResultInput {
  status: Exclude<CheckStatus, "waived">;
  message: string;
  evidence?: Evidence[];
  location?: Location;
  durationMs?: number;
}

export function resultOf(meta: CheckMeta, service: string | null, o: ResultInput): CheckResult {
  return {
    id: meta.id,
    kind: meta.kind,
    service,
    status: o.status,
    title: meta.title,
    evidence: o.evidence ?? [],
    refs: meta.refs,
    severity: meta.severity,
    message: o.message,
    remediation: o.status === "fail" ? meta.remediation : undefined,
    ...(o.location ? { location: o.location } : {}),
    ...(o.durationMs !== undefined ? { durationMs: o.durationMs } : {}),
  };
}
