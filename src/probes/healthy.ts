// The container's healthcheck reached "healthy" (docker inspect State.Health).
import { fail, pass, type Probe } from "./probe-kit.ts";

export const healthy: Probe = {
  meta: {
    id: "runtime/healthy",
    kind: "runtime",
    title: "Healthcheck reports healthy",
    severity: "medium",
    refs: ["CIS 5.27", "CIS 4.6"],
    remediation: "Give the service a healthcheck (Dockerfile HEALTHCHECK or compose healthcheck) that passes under the hardened posture.",
  },
  needs: [],
  evaluate(f) {
    const h = f.inspect.health;
    const ev = [{ command: ["docker", "inspect", f.inspect.id], property: "State.Health.Status", expected: "healthy", actual: h?.status ?? "no healthcheck", output: h?.lastOutput, exitCode: h?.lastExit }];
    if (!h) return fail("no healthcheck configured", ev);
    if (h.status !== "healthy") return fail(`health is "${h.status}"${h.lastOutput ? `: ${h.lastOutput.trim().split("\n").pop()}` : ""}`, ev);
    return pass("healthy", ev);
  },
};
