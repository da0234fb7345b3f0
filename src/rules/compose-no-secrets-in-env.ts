// No secret written into the compose file: an environment variable named like a secret with
// a literal value, a password in a connection URL, or a --password=... argument. Docker
// shows all of them to anyone who can `docker inspect`; compose file secrets do not.
import { keyLocation, verdict, type Finding, type Rule } from "../model.ts";

const SECRET_NAME = /(PASS(WORD|WD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)/i;
// where a secret is, not the secret: a file, a path, an endpoint
const POINTER = /_(FILE|PATH|DIR|URL|URI|ENDPOINT)$/i;
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/:@\s]+:[^@\s]+@/i;
const ARG_PASSWORD = /^--?(password|passwd|pass|token|secret|api-?key)=.+/i;

export const composeNoSecretsInEnv: Rule = {
  id: "compose/no-secrets-in-env",
  title: "No secret in environment, command or entrypoint",
  kind: "static",
  severity: "high",
  refs: ["CIS 4.10", "compose-spec secrets"],
  remediation: "Use a compose file secret and pass its path (PGPASSWORD_FILE=/run/secrets/x, a pgpass file); never the value itself.",
  check(s) {
    const findings: Finding[] = [];
    const envLoc = keyLocation(s, "environment");
    for (const [name, value] of Object.entries(s.resolved.environment ?? {})) {
      if (!value) continue;
      const named = SECRET_NAME.test(name) && !POINTER.test(name) && !value.startsWith("/run/secrets/");
      if (named || URL_PASSWORD.test(value))
        findings.push({ message: `environment ${name} ${named ? "holds a secret-like value" : "has a password in its URL"}`, location: envLoc, evidence: { property: `environment.${name}`, expected: "a reference to a secret file", actual: name, location: envLoc, note: "value not shown" } });
    }
    for (const key of ["command", "entrypoint"] as const) {
      const args = (s.resolved[key] ?? []) as string[];
      const loc = keyLocation(s, key);
      for (const a of args)
        if (ARG_PASSWORD.test(a) || URL_PASSWORD.test(a))
          findings.push({ message: `${key} passes a secret on the command line (${a.split("=")[0]!.split("://")[0]}…)`, location: loc, evidence: { property: key, expected: "no secret in argv", actual: a.split("=")[0]!, location: loc, note: "value not shown" } });
    }
    return verdict(findings, "no secret in environment, command or entrypoint");
  },
};
