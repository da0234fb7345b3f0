import { describe, expect, it } from "vitest";
import { parsePs, readiness } from "./lifecycle.ts";

const row = (o: Record<string, unknown>) => JSON.stringify({ Service: "x", Name: "p-x-1", State: "running", Health: "", ExitCode: 0, ...o });

describe("parsePs", () => {
  it("reads NDJSON and array output alike", () => {
    const nd = [row({ Service: "a" }), row({ Service: "b", State: "exited", ExitCode: 3 })].join("\n");
    expect(parsePs(nd).map((s) => [s.service, s.state, s.exitCode])).toEqual([["a", "running", 0], ["b", "exited", 3]]);
    expect(parsePs(`[${row({ Service: "c" })}]`)[0].service).toBe("c");
    expect(parsePs("")).toEqual([]);
  });
});

describe("readiness", () => {
  const s = (o: Record<string, unknown>) => parsePs(row(o))[0];
  it("accepts healthy, running without healthcheck and one-shots that exited 0", () => {
    expect(readiness(s({ Health: "healthy" }))).toBe("ready");
    expect(readiness(s({}))).toBe("ready");
    expect(readiness(s({ State: "exited", ExitCode: 0 }))).toBe("ready");
  });
  it("fails unhealthy, restarting and non-zero exits; waits on starting", () => {
    expect(readiness(s({ Health: "unhealthy" }))).toBe("failed");
    expect(readiness(s({ State: "restarting" }))).toBe("failed");
    expect(readiness(s({ State: "exited", ExitCode: 135 }))).toBe("failed");
    expect(readiness(s({ Health: "starting" }))).toBe("waiting");
    expect(readiness(undefined)).toBe("waiting");
  });
});
