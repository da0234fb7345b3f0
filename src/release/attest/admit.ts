// Admission: may IMAGE@DIGEST run? Pure judgement over the attestations cosign verified
// (signature checked against the public key before anything here sees them). Every reason
// to refuse is collected, one line each; none means admit.
import type { Statement } from "./cosign.ts";
import { POSTURE_PREDICATE_TYPE, POSTURE_SCHEMA_VERSION, predicateErrors, type PosturePredicate } from "./predicate.ts";

export interface AdmitPolicy {
  digest: string; // sha256:...
  service?: string;
  maxAgeMs?: number;
  now: Date;
}

export interface Judgement {
  admit: boolean;
  reasons: string[];
  services: string[];
}

/** "7d", "12h", "30m", "45s" → milliseconds; undefined for anything else. */
export function parseAge(text: string): number | undefined {
  const m = /^(\d+)([smhd])$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[m[2] as "s" | "m" | "h" | "d"];
}

export function judge(statements: Statement[], p: AdmitPolicy): Judgement {
  const reasons: string[] = [];
  const hex = p.digest.replace(/^sha256:/, "");
  const good: PosturePredicate[] = [];
  for (const s of statements) {
    if (s.predicateType !== POSTURE_PREDICATE_TYPE) {
      reasons.push(`predicate type ${s.predicateType} is not ${POSTURE_PREDICATE_TYPE}`);
      continue;
    }
    if (!s.subject?.some((x) => x.digest?.sha256 === hex)) {
      reasons.push(`attestation is about ${s.subject?.map((x) => `sha256:${x.digest?.sha256}`).join(", ")}, not ${p.digest}`);
      continue;
    }
    const sv = (s.predicate as { schemaVersion?: unknown })?.schemaVersion;
    if (sv !== POSTURE_SCHEMA_VERSION) {
      reasons.push(`predicate schemaVersion ${JSON.stringify(sv)} is not ${POSTURE_SCHEMA_VERSION}`);
      continue;
    }
    const bad = predicateErrors(s.predicate);
    if (bad) {
      reasons.push(`predicate does not match the v1 schema: ${bad}`);
      continue;
    }
    good.push(s.predicate as PosturePredicate);
  }
  const chosen = p.service ? good.filter((g) => g.service === p.service) : good;
  if (!statements.length) reasons.push(`no posture attestation for ${p.digest}`);
  else if (p.service && !chosen.length && good.length) reasons.push(`no posture attestation for service ${p.service} (attested: ${[...new Set(good.map((g) => g.service))].join(", ")})`);
  for (const g of chosen) {
    const who = `service ${g.service}`;
    if (g.image.digest !== p.digest) reasons.push(`${who}: predicate names image ${g.image.digest}, not ${p.digest}`);
    if (g.status !== "pass") reasons.push(`${who}: the verified report's status is ${g.status}`);
    const failing = g.checks.filter((c) => c.status === "fail").map((c) => c.id);
    if (failing.length) reasons.push(`${who}: failing check(s): ${failing.join(", ")}`);
    else if (g.serviceStatus !== "pass") reasons.push(`${who}: service status is ${g.serviceStatus}`);
    const age = p.now.getTime() - Date.parse(g.verifiedAt);
    if (p.maxAgeMs !== undefined && age > p.maxAgeMs)
      reasons.push(`${who}: verified ${g.verifiedAt}, ${Math.floor(age / 3600e3)}h ago, older than --max-age`);
  }
  return { admit: reasons.length === 0 && chosen.length > 0, reasons: [...new Set(reasons)], services: [...new Set(chosen.map((g) => g.service))] };
}
