import { describe, expect, it } from "vitest";
import { createLog } from "../../api/src/shared/log.ts";
import { graphileLogger } from "./graphileLog.ts";

describe("graphileLogger", () => {
  it("writes graphile-worker's messages as one JSON line each, without the appended stack", () => {
    const lines: string[] = [];
    const logger = graphileLogger(createLog("worker", "debug", (l) => lines.push(l)));
    logger.error("Failed task 2 (fail, 24ms, attempt 1 of 2) with error 'nope':\n  Error: nope\n      at fail (file:///app/worker.mjs:1:1)", {
      error: new Error("nope"),
    });
    logger.warn("careful");
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith("\n") && l.indexOf("\n") === l.length - 1)).toBe(true);
    const first = JSON.parse(lines[0]!);
    expect(first).toMatchObject({ level: "error", service: "worker", source: "graphile-worker", msg: "Failed task 2 (fail, 24ms, attempt 1 of 2) with error 'nope':", err: { name: "Error", message: "nope" } });
    expect(lines[0]).not.toContain("at fail");
    expect(JSON.parse(lines[1]!).level).toBe("warn");
  });
});
