// ENV and ARG values are baked into the image config and history: a secret-looking name
// there is a leak. Names ending _FILE/_PATH/_DIR point at a secret file and are fine.
import { withDockerfile, verdict, type Finding, type Rule } from "../model.ts";

const SECRET = /(PASS(WORD|WD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)/i;
// Names of where a secret is, not of the secret: a file, a path, an endpoint.
const POINTER = /_(FILE|PATH|DIR|URL|URI|ENDPOINT)$/i;

export const dockerfileNoSecretsInEnv: Rule = {
  id: "dockerfile/no-secrets-in-env",
  title: "No secrets in ENV or ARG",
  kind: "static",
  severity: "high",
  refs: ["Trivy DS-0031", "CIS 4.10"],
  remediation: "Pass secrets at run time as compose secrets under /run/secrets/<name> and point to them with *_FILE variables; never ENV/ARG.",
  check(s) {
    return withDockerfile(s, (df) => {
      const findings: Finding[] = [];
      for (const i of df.instructions) {
        if (i.keyword !== "ENV" && i.keyword !== "ARG") continue;
        // ENV A=1 B=2 | ENV A 1 (legacy) | ARG NAME[=default]
        const names = i.keyword === "ENV" && i.args.length >= 2 && !i.args[0]!.includes("=") ? [i.args[0]!] : i.args.map((a) => a.split("=")[0]!);
        for (const n of names)
          if (SECRET.test(n) && !POINTER.test(n)) {
            const loc = { file: df.file, line: i.line };
            findings.push({ message: `${i.keyword} ${n} looks like a secret`, location: loc, evidence: { property: i.keyword, expected: "no secret values", actual: n, location: loc, note: "value not shown" } });
          }
      }
      return verdict(findings, "no secret-like ENV/ARG");
    });
  },
};
