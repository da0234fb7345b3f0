// A healthcheck in compose or a HEALTHCHECK in the image: either makes `docker compose up
// --wait` and depends_on conditions meaningful.
import { keyLocation, pass, verdict, type Rule } from "../model.ts";

export const composeHealthcheck: Rule = {
  id: "compose/healthcheck",
  title: "Healthcheck defined (compose or Dockerfile HEALTHCHECK)",
  kind: "static",
  severity: "low",
  refs: ["CIS 5.27", "CIS 4.6", "hadolint DL3057", "Trivy DS-0026"],
  remediation: "Add a compose `healthcheck:` (test, interval, timeout, retries) or a HEALTHCHECK instruction to the Dockerfile.",
  check(s) {
    const hc = s.resolved.healthcheck;
    const composeOn = !!hc && !hc.disable && !!hc.test?.length && hc.test[0] !== "NONE";
    if (composeOn) return pass(`compose healthcheck ${JSON.stringify(hc!.test)}`);
    const df = s.dockerfile?.instructions.slice().reverse().find((i) => i.keyword === "HEALTHCHECK");
    const dfOn = !!df && df.args[0]?.toUpperCase() !== "NONE" && !hc?.disable;
    const loc = keyLocation(s, "healthcheck");
    return verdict(
      dfOn ? [] : [{ message: hc?.disable ? "healthcheck disabled" : "no healthcheck in compose or Dockerfile", location: loc, evidence: { property: "healthcheck", expected: "a test command", actual: JSON.stringify(hc ?? null), location: loc } }],
      `Dockerfile HEALTHCHECK at ${s.dockerfile?.file}:${df?.line}`,
    );
  },
};
