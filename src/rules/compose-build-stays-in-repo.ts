// The build reads nothing of the host outside the repository: no context outside it (a
// context of `/` sends the whole host to the builder), no ssh agent, no build secrets.
import { keyLocation, verdict, type Finding, type Rule } from "../model.ts";

export const composeBuildStaysInRepo: Rule = {
  id: "compose/build-stays-in-repo",
  title: "The build context is inside the repository, with no ssh or secrets from the host",
  kind: "static",
  severity: "critical",
  refs: ["compose-spec build.context, build.ssh, build.secrets"],
  remediation: "Point build.context at a directory of the repository and drop build.ssh/build.secrets (or record why in the exemptions file).",
  check(s, model) {
    const loc = keyLocation(s, "build");
    const findings: Finding[] = [];
    const ctx = s.host.buildContext;
    if (ctx && !ctx.inRepo)
      findings.push({ message: `build context ${ctx.real} is outside the repository ${model.repoRoot}`, location: loc, evidence: { property: "build.context", expected: "inside the repository", actual: ctx.real === ctx.path ? ctx.path : `${ctx.path} (-> ${ctx.real})`, location: loc } });
    for (const a of s.host.buildHostAccess)
      findings.push({ message: `${a.split(" ")[0]} hands the build host credentials`, location: loc, evidence: { property: a.split(" ")[0], expected: "unset", actual: a, location: loc } });
    return verdict(findings, ctx ? "build context inside the repository" : "nothing to build");
  },
};
