import { keyLocation, verdict, type Rule } from "../model.ts";

export const composeRestartPolicy: Rule = {
  id: "compose/restart-policy",
  title: "Restart policy set",
  kind: "static",
  severity: "low",
  refs: ["CIS 5.15"],
  remediation: "Set `restart: on-failure:5` (or unless-stopped) for long-running services; one-shot jobs record an exemption.",
  check(s) {
    const r = s.resolved.restart;
    const cond = (s.resolved.deploy?.restart_policy as { condition?: string } | undefined)?.condition;
    const ok = (r !== undefined && r !== "no") || (cond !== undefined && cond !== "none");
    const loc = keyLocation(s, "restart");
    return verdict(
      ok ? [] : [{ message: `restart is ${r ?? "unset"}`, location: loc, evidence: { property: "restart", expected: "on-failure[:N] | unless-stopped | always", actual: r ?? "unset", location: loc } }],
      `restart: ${r ?? cond}`,
    );
  },
};
