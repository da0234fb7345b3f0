import type { Rule } from "../model.ts";
import { forbidSecurityOpt } from "./security-opt.ts";

export const composeSeccompConfined: Rule = {
  id: "compose/seccomp-confined",
  title: "seccomp is not unconfined",
  kind: "static",
  severity: "high",
  refs: ["CIS 5.22"],
  remediation: "Remove `seccomp:unconfined` from security_opt; Docker's default profile then applies.",
  check: (s) => forbidSecurityOpt(s, { off: /^seccomp[:=]unconfined$/i, expected: "default or custom seccomp profile", passMessage: "seccomp confined (default profile)" }),
};
