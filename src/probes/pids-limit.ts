// A pids limit is in effect (fork bombs stay inside the container).
import { judgeLimit } from "./cgroup-limit.ts";
import type { Probe } from "./probe-kit.ts";

export const pidsLimit: Probe = {
  meta: {
    id: "runtime/pids-limit",
    kind: "runtime",
    title: "A pids limit is in effect (cgroup), as declared",
    severity: "medium",
    refs: ["CIS 5.29"],
    remediation: "Set `pids_limit` (or deploy.resources.limits.pids) for the service.",
  },
  needs: ["cgroup"],
  evaluate: (f) => judgeLimit(f, "pids"),
};
