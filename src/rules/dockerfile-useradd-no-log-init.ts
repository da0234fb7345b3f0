import { withDockerfile, verdict, type Rule } from "../model.ts";

export const dockerfileUseraddNoLogInit: Rule = {
  id: "dockerfile/useradd-no-log-init",
  title: "useradd uses -l (--no-log-init)",
  kind: "static",
  severity: "low",
  refs: ["hadolint DL3046"],
  remediation: "Add `-l` to useradd so a large uid does not create a huge sparse /var/log/lastlog.",
  check(s) {
    return withDockerfile(s, (df) => {
      const findings = df.accounts
        .filter((a) => a.kind === "user" && !a.noLogInit)
        .map((a) => ({ message: `useradd ${a.name} without -l`, location: { file: df.file, line: a.line }, evidence: { property: "useradd", expected: "-l", actual: `useradd … ${a.name}`, location: { file: df.file, line: a.line } } }));
      return verdict(findings, "every useradd has -l");
    });
  },
};
