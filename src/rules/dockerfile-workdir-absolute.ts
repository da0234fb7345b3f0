import { withDockerfile, verdict, type Rule } from "../model.ts";

export const dockerfileWorkdirAbsolute: Rule = {
  id: "dockerfile/workdir-absolute",
  title: "WORKDIR is an absolute path",
  kind: "static",
  severity: "low",
  refs: ["hadolint DL3000"],
  remediation: "Use an absolute WORKDIR, e.g. `WORKDIR /app`.",
  check(s) {
    return withDockerfile(s, (df) => {
      const findings = df.instructions
        .filter((i) => i.keyword === "WORKDIR" && !/^(\/|\$)/.test(i.args[0] ?? ""))
        .map((i) => ({ message: `WORKDIR ${i.args[0]} is relative`, location: { file: df.file, line: i.line }, evidence: { property: "WORKDIR", expected: "absolute path", actual: i.args[0] ?? "", location: { file: df.file, line: i.line } } }));
      return verdict(findings, "every WORKDIR absolute");
    });
  },
};
