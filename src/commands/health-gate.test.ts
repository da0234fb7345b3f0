import { describe, expect, it } from "vitest";
import { databaseSkipped, workflowsSkipped } from "./health-gate.ts";

describe("what an unhealthy stack still runs after the probes", () => {
  it("a healthy stack runs everything", () => {
    expect(databaseSkipped({ ready: true, unready: [] }, "postgres")).toBeUndefined();
    expect(workflowsSkipped({ ready: true, unready: [] })).toBeUndefined();
  });
  it("another service's failed healthcheck does not hide the database's posture", () => {
    expect(databaseSkipped({ ready: false, unready: ["api"] }, "postgres")).toBeUndefined();
  });
  it("the database unready, or up failed as a whole: database checks skipped, with the reason", () => {
    expect(databaseSkipped({ ready: false, unready: ["postgres", "api"] }, "postgres")).toBe("not run: the stack is not healthy (postgres, api; see stack/healthy)");
    expect(databaseSkipped({ ready: false, unready: [] }, "postgres")).toMatch(/docker compose up failed/);
  });
  it("workflows need the whole stack: skipped as soon as one service is unready", () => {
    expect(workflowsSkipped({ ready: false, unready: ["valkey"] })).toBe("not run: the stack is not healthy (valkey; see stack/healthy)");
  });
});
