import { withDockerfile, verdict, type Rule } from "../model.ts";

export const dockerfileUserNumeric: Rule = {
  id: "dockerfile/user-numeric",
  title: "USER is numeric (uid:gid)",
  kind: "static",
  severity: "low",
  refs: ["hadolint DL3066", "Checkov CKV_DOCKER_8"],
  description: "A numeric USER lets the runtime (and Kubernetes runAsNonRoot) prove non-root without reading /etc/passwd, and lets tmpfs uid/gid be compared.",
  remediation: "Write USER as numeric ids, e.g. `USER 1000:1000` instead of `USER app`.",
  check(s) {
    return withDockerfile(s, (df) => {
      const u = df.user;
      const ok = !u || /^\d+(:\d+)?$/.test(u.raw.trim());
      return verdict(
        ok ? [] : [{ message: `USER ${u!.raw} is a name, not uid:gid`, location: u!.location, evidence: { property: "USER", expected: "<uid>:<gid>", actual: u!.raw, location: u!.location } }],
        u ? `USER ${u.raw}` : "no USER (see dockerfile/user-non-root)",
      );
    });
  },
};
