// AppArmor is not switched off (`security_opt: apparmor=unconfined`, or `apparmor:unconfined`):
// the host's mandatory access control then no longer confines the container.
import { keyLocation, verdict, type Rule } from "../model.ts";

export const composeApparmorConfined: Rule = {
  id: "compose/apparmor-confined",
  title: "AppArmor is not unconfined",
  kind: "static",
  severity: "high",
  refs: ["CIS 5.2"],
  remediation: "Remove `apparmor=unconfined` from security_opt; Docker's docker-default profile (or `apparmor=<your profile>`) then applies.",
  check(s) {
    const bad = (s.resolved.security_opt ?? []).filter((o) => /^apparmor[:=]unconfined$/i.test(o.replace(/\s+/g, "")));
    const loc = keyLocation(s, "security_opt");
    return verdict(
      bad.map((o) => ({ message: `security_opt ${o}`, location: loc, evidence: { property: "security_opt", expected: "docker-default or a named AppArmor profile", actual: o, location: loc } })),
      "AppArmor not disabled (default or named profile)",
    );
  },
};
