import { simpleCommands } from "../sources/dockerfile.ts";
import { withDockerfile, verdict, type Rule } from "../model.ts";

export const dockerfileNoSudo: Rule = {
  id: "dockerfile/no-sudo",
  title: "No sudo",
  kind: "static",
  severity: "medium",
  refs: ["hadolint DL3004"],
  remediation: "Remove sudo: RUN already runs as root before USER; after USER, do the step earlier.",
  check(s) {
    return withDockerfile(s, (df) => {
      const findings = df.instructions
        .filter((i) => i.keyword === "RUN" && simpleCommands(i.args).some((c) => c[0] === "sudo" || c.includes("sudo")))
        .map((i) => ({ message: "RUN uses sudo", location: { file: df.file, line: i.line }, evidence: { property: "RUN", expected: "no sudo", actual: i.text.slice(0, 200), location: { file: df.file, line: i.line } } }));
      return verdict(findings, "no sudo");
    });
  },
};
