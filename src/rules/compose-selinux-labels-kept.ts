// SELinux labelling is not switched off (`security_opt: label=disable`, or `label:disable`):
// on an SELinux host the container then runs unconfined by its policy.
import { keyLocation, verdict, type Rule } from "../model.ts";

export const composeSelinuxLabelsKept: Rule = {
  id: "compose/selinux-labels-kept",
  title: "SELinux labels are not disabled",
  kind: "static",
  severity: "high",
  refs: ["CIS 5.3"],
  remediation: "Remove `label=disable` from security_opt; set a label (`label=type:…`, `label=level:…`) if the default one does not fit.",
  check(s) {
    const bad = (s.resolved.security_opt ?? []).filter((o) => /^label[:=]disable$/i.test(o.replace(/\s+/g, "")));
    const loc = keyLocation(s, "security_opt");
    return verdict(
      bad.map((o) => ({ message: `security_opt ${o}`, location: loc, evidence: { property: "security_opt", expected: "SELinux labels applied (default or label=type/level/user/role)", actual: o, location: loc } })),
      "SELinux labels not disabled",
    );
  },
};
