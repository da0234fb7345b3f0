import { withDockerfile, verdict, type Rule } from "../model.ts";

const WRAPPERS = new Set(["env", "exec", "nohup", "time", "nice", "command"]);
function runsSudo(words: string[]): boolean {
  let i = 0;
  while (i < words.length && (WRAPPERS.has(words[i]!) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!) || (i > 0 && words[i]!.startsWith("-")))) i++;
  return words[i] === "sudo" || /\/sudo$/.test(words[i] ?? "");
}

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
        // sudo as the command run (`sudo x`, `env X=1 sudo x`), not a package that is named
        // sudo (`apt-get install sudo`): DL3004 is about running with sudo
        .filter((i) => i.keyword === "RUN" && (i.commands ?? []).some(runsSudo))
        .map((i) => ({ message: "RUN uses sudo", location: { file: df.file, line: i.line }, evidence: { property: "RUN", expected: "no sudo", actual: i.text.slice(0, 200), location: { file: df.file, line: i.line } } }));
      return verdict(findings, "no sudo");
    });
  },
};
