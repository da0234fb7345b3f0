import { describe, expect, it } from "vitest";
import { taskBodies, TaskInputError } from "./tasks.ts";
import { errorText, statusAfterFailure } from "./bookkeeping.ts";

describe("tasks", () => {
  it("echo returns its payload (null when there is none)", async () => {
    expect(await taskBodies.echo!({ a: [1, 2] })).toEqual({ a: [1, 2] });
    expect(await taskBodies.echo!(undefined)).toBeNull();
  });

  it("fail always throws, with the payload's message when given", async () => {
    await expect(taskBodies.fail!(null)).rejects.toThrow("task failed on purpose");
    await expect(taskBodies.fail!({ message: "boom" })).rejects.toThrow("boom");
  });

  it("sleep waits about ms and reports it", async () => {
    const t0 = Date.now();
    expect(await taskBodies.sleep!({ ms: 60 })).toEqual({ sleptMs: 60 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
  });

  it.each([[null], [{}], [{ ms: -1 }], [{ ms: 1.5 }], [{ ms: "10" }], [{ ms: 999_999 }]])("sleep refuses %o", async (p) => {
    await expect(taskBodies.sleep!(p)).rejects.toBeInstanceOf(TaskInputError);
  });
});

describe("bookkeeping rules", () => {
  it("a failed attempt before the last one re-queues; the last one fails the job", () => {
    expect(statusAfterFailure(1, 3)).toBe("queued");
    expect(statusAfterFailure(2, 3)).toBe("queued");
    expect(statusAfterFailure(3, 3)).toBe("failed");
    expect(statusAfterFailure(1, 1)).toBe("failed");
  });

  it("records the error message, bounded", () => {
    expect(errorText(new Error("x".repeat(5000)))).toHaveLength(2000);
    expect(errorText("plain")).toBe("plain");
  });
});
