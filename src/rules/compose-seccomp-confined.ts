import { keyLocation, verdict, type Rule } from "../model.ts";

export const composeSeccompConfined: Rule = {
  id: "compose/seccomp-confined",
  title: "seccomp is not unconfined",
  kind: "static",
  severity: "high",
  refs: ["CIS 5.22"],
  remediation: "Remove `seccomp:unconfined` from security_opt; Docker's default profile then applies.",
  check(s) {
    const bad = (s.resolved.security_opt ?? []).filter((o) => /^seccomp[:=]unconfined$/i.test(o.replace(/\s+/g, "")));
    const loc = keyLocation(s, "security_opt");
    return verdict(
      bad.map((o) => ({ message: `security_opt ${o}`, location: loc, evidence: { property: "security_opt", expected: "default or custom seccomp profile", actual: o, location: loc } })),
      "seccomp confined (default profile)",
    );
  },
};
