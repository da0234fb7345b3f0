// A memory limit is in effect (one service cannot starve the host).
import { judgeLimit } from "./cgroup-limit.ts";
import type { Probe } from "./probe-kit.ts";

export const memoryLimit: Probe = {
  meta: {
    id: "runtime/memory-limit",
    kind: "runtime",
    title: "A memory limit is in effect (cgroup), as declared",
    severity: "medium",
    refs: ["CIS 5.11"],
    remediation: "Set `mem_limit` (or deploy.resources.limits.memory) for the service.",
  },
  needs: ["cgroup"],
  evaluate: (f) => judgeLimit(f, "memory"),
};
