// The files behind the service's secrets and configs are the repository's: a secret whose
// file is /root/.ssh/id_rsa or /etc/shadow reads the host into the container.
import { keyLocation, verdict, type Rule } from "../model.ts";

export const composeFilesStayInRepo: Rule = {
  id: "compose/files-stay-in-repo",
  title: "Secret and config files are inside the repository",
  kind: "static",
  severity: "high",
  refs: ["compose-spec secrets, configs (file)"],
  remediation: "Keep secret and config files in the repository's tree (secrets git-ignored, as scripts/secrets.sh does), never host paths.",
  check(s, model) {
    const outside = s.host.files.filter((f) => !f.inRepo);
    const loc = keyLocation(s, outside[0]?.kind === "config" ? "configs" : "secrets");
    return verdict(
      outside.map((f) => ({ message: `${f.kind} ${f.name} is ${f.real}, outside the repository ${model.repoRoot}`, location: loc, evidence: { property: `${f.kind}s.${f.name}.file`, expected: "inside the repository", actual: f.real, location: loc } })),
      `${s.host.files.length} secret/config file(s), all in the repository`,
    );
  },
};
