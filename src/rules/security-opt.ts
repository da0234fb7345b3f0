// The security_opt entries that switch a kernel confinement off (`seccomp:unconfined`,
// `apparmor=unconfined`, `label=disable`): one judgement for the three rules that forbid one.
import { keyLocation, verdict, type Outcome, type ServiceModel } from "../model.ts";

export interface ConfinementOff {
  /** e.g. /^seccomp[:=]unconfined$/i, matched with the entry's whitespace removed */
  off: RegExp;
  expected: string;
  passMessage: string;
}

export function forbidSecurityOpt(s: ServiceModel, c: ConfinementOff): Outcome {
  const bad = (s.resolved.security_opt ?? []).filter((o) => c.off.test(o.replace(/\s+/g, "")));
  const loc = keyLocation(s, "security_opt");
  return verdict(
    bad.map((o) => ({ message: `security_opt ${o}`, location: loc, evidence: { property: "security_opt", expected: c.expected, actual: o, location: loc } })),
    c.passMessage,
  );
}
