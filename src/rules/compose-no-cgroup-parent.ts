// No `cgroup_parent`: the container's cgroup stays under Docker's, where the daemon's limits
// and accounting apply, not in a place of the compose file's choosing in the host's tree.
import { keyLocation, verdict, type Rule } from "../model.ts";

export const composeNoCgroupParent: Rule = {
  id: "compose/no-cgroup-parent",
  title: "No cgroup_parent",
  kind: "static",
  severity: "medium",
  refs: ["CIS 5.25"],
  remediation: "Remove `cgroup_parent:`; limit the service with mem_limit, cpus and pids_limit instead.",
  check(s) {
    const v = s.resolved.cgroup_parent;
    const loc = keyLocation(s, "cgroup_parent");
    return verdict(
      typeof v === "string" && v.trim() ? [{ message: `cgroup_parent ${v}`, location: loc, evidence: { property: "cgroup_parent", expected: "unset (Docker's own cgroup)", actual: v, location: loc } }] : [],
      "Docker's own cgroup parent",
    );
  },
};
