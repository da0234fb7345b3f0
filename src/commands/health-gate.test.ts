import { describe, expect, it } from "vitest";
import { DB_CHECKS } from "../database/registry.ts";
import { WORKFLOWS } from "../workflows/index.ts";
import { databaseSkipped, skippedDatabaseChecks, skippedWorkflows, workflowsSkipped } from "./health-gate.ts";

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
  it("what is not run is reported as skipped, one result per check, with the reason", () => {
    const why = "not run: the stack is not healthy (valkey; see stack/healthy)";
    const flows = skippedWorkflows(why, () => true);
    expect(flows.map((c) => c.id)).toEqual(WORKFLOWS.map((w) => w.meta.id));
    expect(flows.every((c) => c.status === "skip" && c.message === why)).toBe(true);
    expect(skippedWorkflows(why, (id) => id === WORKFLOWS[0]!.meta.id)).toHaveLength(1);
    expect(skippedDatabaseChecks(why, "postgres").map((c) => [c.id, c.service])).toEqual(DB_CHECKS.map((c) => [c.meta.id, "postgres"]));
    // no database service: nothing would have been judged, nothing is reported
    expect(skippedDatabaseChecks(why, undefined)).toEqual([]);
  });
});
