import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { heartbeatProblem, writeHeartbeat } from "./heartbeat.ts";

const dir = mkdtempSync(join(tmpdir(), "apex-hb-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("heartbeat", () => {
  it("a fresh heartbeat is healthy", () => {
    const f = join(dir, "fresh");
    writeHeartbeat(f);
    expect(heartbeatProblem(f, 10_000)).toBeNull();
  });

  it("a stale heartbeat is not", () => {
    const f = join(dir, "stale");
    writeHeartbeat(f);
    const old = new Date(Date.now() - 60_000);
    utimesSync(f, old, old);
    expect(heartbeatProblem(f, 10_000)).toMatch(/^heartbeat is \d+ ms old \(limit 10000 ms\)$/);
  });

  it("no heartbeat file is not", () => {
    expect(heartbeatProblem(join(dir, "missing"), 10_000)).toBe(`no heartbeat file at ${join(dir, "missing")}`);
  });
});
