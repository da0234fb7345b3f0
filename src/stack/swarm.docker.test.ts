// stack/host-not-swarm (CIS 5.1) on the real engine here, which is not in swarm mode.
import { describe, expect, it } from "vitest";
import { swarmCheck } from "./host.ts";

describe("stack/host-not-swarm on this engine", () => {
  it("passes on an engine whose swarm state is inactive, with docker info as evidence", async () => {
    const r = await swarmCheck();
    expect(r).toMatchObject({ id: "stack/host-not-swarm", status: "pass", message: "swarm mode inactive" });
    expect(r.evidence[0]).toMatchObject({ command: expect.arrayContaining(["info"]), exitCode: 0, actual: "inactive" });
  });
});
