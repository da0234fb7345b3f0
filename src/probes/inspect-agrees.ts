// Docker's own view of the container agrees with the posture: CapDrop ALL, read-only root,
// no-new-privileges, not privileged, seccomp not unconfined, CapAdd only what compose adds.
import { normalizeCap } from "./parse.ts";
import { fail, pass, type Probe } from "./probe-kit.ts";

export const inspectAgrees: Probe = {
  meta: {
    id: "runtime/inspect-agrees",
    kind: "runtime",
    title: "docker inspect agrees: CapDrop ALL, ReadonlyRootfs, no-new-privileges, not Privileged",
    severity: "high",
    refs: ["CIS 5.4", "CIS 5.5", "CIS 5.13", "CIS 5.22", "CIS 5.26"],
    remediation: "Merge the x-security-defaults anchor and do not override its lists in the service (YAML merge replaces lists).",
  },
  needs: [],
  evaluate(f) {
    const i = f.inspect;
    const problems: string[] = [];
    const capDrop = i.capDrop.map(normalizeCap);
    if (!capDrop.includes("ALL")) problems.push(`HostConfig.CapDrop is ${JSON.stringify(i.capDrop)}, not ALL`);
    if (!i.readonlyRootfs) problems.push("HostConfig.ReadonlyRootfs is false");
    const nnp = i.securityOpt.some((o) => /^no-new-privileges(?:[:=]true)?$/.test(o));
    if (!nnp) problems.push(`HostConfig.SecurityOpt ${JSON.stringify(i.securityOpt)} lacks no-new-privileges`);
    if (i.securityOpt.some((o) => /^seccomp[:=]unconfined$/.test(o))) problems.push("HostConfig.SecurityOpt has seccomp=unconfined");
    if (i.privileged) problems.push("HostConfig.Privileged is true");
    const extra = i.capAdd.map(normalizeCap).filter((c) => !f.declared.capAdd.includes(c));
    if (extra.length) problems.push(`HostConfig.CapAdd has ${extra.join(",")} not in compose cap_add`);
    const ev = [{ command: ["docker", "inspect", i.id], property: "HostConfig", expected: "CapDrop ⊇ [ALL], ReadonlyRootfs true, SecurityOpt ∋ no-new-privileges, Privileged false", actual: JSON.stringify(i.raw), output: JSON.stringify(i.raw, null, 1) }];
    if (problems.length) return fail(problems.join("; "), ev);
    return pass(`CapDrop ${JSON.stringify(i.capDrop)}, ReadonlyRootfs, ${i.securityOpt.join(" ")}, not privileged`, ev);
  },
};
