// AppArmor is not switched off (`security_opt: apparmor=unconfined`, or `apparmor:unconfined`):
// the host's mandatory access control then no longer confines the container.
import type { Rule } from "../model.ts";
import { forbidSecurityOpt } from "./security-opt.ts";

export const composeApparmorConfined: Rule = {
  id: "compose/apparmor-confined",
  title: "AppArmor is not unconfined",
  kind: "static",
  severity: "high",
  refs: ["CIS 5.2"],
  remediation: "Remove `apparmor=unconfined` from security_opt; Docker's docker-default profile (or `apparmor=<your profile>`) then applies.",
  check: (s) => forbidSecurityOpt(s, { off: /^apparmor[:=]unconfined$/i, expected: "docker-default or a named AppArmor profile", passMessage: "AppArmor not disabled (default or named profile)" }),
};
