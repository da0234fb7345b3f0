import { withDockerfile, verdict, type Rule } from "../model.ts";

export const dockerfileCopyNotAdd: Rule = {
  id: "dockerfile/copy-not-add",
  title: "COPY rather than ADD",
  kind: "static",
  severity: "low",
  refs: ["hadolint DL3020", "CIS 4.9"],
  remediation: "Replace ADD with COPY (ADD fetches URLs and unpacks archives implicitly).",
  check(s) {
    return withDockerfile(s, (df) => {
      const findings = df.instructions
        .filter((i) => i.keyword === "ADD")
        .map((i) => ({ message: `ADD ${i.text}`, location: { file: df.file, line: i.line }, evidence: { property: "instruction", expected: "COPY", actual: `ADD ${i.text}`, location: { file: df.file, line: i.line } } }));
      return verdict(findings, "no ADD");
    });
  },
};
