// The seed's manage_env. Inside verify it is the view `scripts/manage env` prints, taken of
// this run's policy results (one resolution of compose per run); on its own it runs
// `scripts/manage env` as operators run it.
import { envFindings, type EnvFinding } from "../manage/envcheck.ts";
import { fail, pass, type Workflow } from "./workflow.ts";

export const manageEnv: Workflow = {
  service: null,
  meta: {
    id: "workflow/manage-env",
    kind: "workflow",
    title: "manage env: every long-running service keeps cap_drop ALL, no-new-privileges and a read-only root",
    severity: "high",
    refs: ["CIS 5.4", "CIS 5.13", "CIS 5.26"],
    remediation: "Merge the x-security-defaults anchor into the service and do not override cap_drop/security_opt with a shorter list; exemptions come from the exemptions file, as for apex policy.",
  },
  async run(ctx) {
    let findings: EnvFinding[];
    if (ctx.policy) {
      findings = envFindings(ctx.policy);
      ctx.note("manage env's view (envFindings) of this run's policy results", { output: JSON.stringify(findings.filter((f) => !f.ok)) });
    } else {
      const r = await ctx.manage(["env"]);
      if (r.r.exitCode === 2 || !r.json) return fail(`manage env could not read the compose config: ${r.r.stderr.trim().split("\n").pop()}`);
      findings = (r.json.findings ?? []) as EnvFinding[];
    }
    const bad = findings.filter((f) => !f.ok);
    if (bad.length) return fail(bad.map((f) => `${f.service}: ${f.property} is ${f.actual}`).join("; "));
    const services = new Set(findings.filter((f) => f.property !== "exempt").map((f) => f.service));
    return pass(`${services.size} long-running services keep the posture; exempt: ${findings.filter((f) => f.property === "exempt").map((f) => f.service).join(", ") || "none"}`);
  },
};
