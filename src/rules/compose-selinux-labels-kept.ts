// SELinux labelling is not switched off (`security_opt: label=disable`, or `label:disable`):
// on an SELinux host the container then runs unconfined by its policy.
import type { Rule } from "../model.ts";
import { forbidSecurityOpt } from "./security-opt.ts";

export const composeSelinuxLabelsKept: Rule = {
  id: "compose/selinux-labels-kept",
  title: "SELinux labels are not disabled",
  kind: "static",
  severity: "high",
  refs: ["CIS 5.3"],
  remediation: "Remove `label=disable` from security_opt; set a label (`label=type:…`, `label=level:…`) if the default one does not fit.",
  check: (s) => forbidSecurityOpt(s, { off: /^label[:=]disable$/i, expected: "SELinux labels applied (default or label=type/level/user/role)", passMessage: "SELinux labels not disabled" }),
};
