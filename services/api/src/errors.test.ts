import { describe, expect, it } from "vitest";
import { classifyDbError, errorFields } from "./errors.ts";

describe("classifyDbError", () => {
  it.each([
    [{ code: "ECONNREFUSED", message: "connect ECONNREFUSED" }, 503, "database unavailable"],
    [{ code: "08P01", message: "server login has been failing" }, 503, "database unavailable"],
    [{ code: "57P03", message: "the database system is starting up" }, 503, "database unavailable"],
    [{ code: "42883", message: "function graphile_worker.add_job does not exist" }, 503, "job queue not ready"],
    [{ code: "3F000", message: 'schema "graphile_worker" does not exist' }, 503, "job queue not ready"],
    [new Error("timeout exceeded when trying to connect"), 503, "database unavailable"],
    [{ code: "23505", message: "duplicate key" }, 500, "internal error"],
    [new TypeError("x is undefined"), 500, "internal error"],
  ])("%o → %i %s", (err, status, error) => {
    const e = err instanceof Error ? err : Object.assign(new Error(err.message), { code: err.code });
    expect(classifyDbError(e)).toEqual({ status, error });
  });
});

describe("errorFields", () => {
  it("keeps name, message and code, drops the stack", () => {
    const f = errorFields(Object.assign(new Error("boom"), { code: "XX000" }));
    expect(f).toEqual({ name: "Error", message: "boom", code: "XX000" });
  });
});
