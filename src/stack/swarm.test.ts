// stack/host-not-swarm (CIS 5.1): the judging of docker info's swarm state, both ways.
import { describe, expect, it } from "vitest";
import { judgeSwarm } from "./checks.ts";

const ev = (actual: string) => ({ command: ["docker", "info", "--format", "{{.Swarm.LocalNodeState}}"], exitCode: 0, output: actual, property: "Swarm.LocalNodeState", expected: "inactive", actual });

describe("stack/host-not-swarm", () => {
  it("active fails", () => {
    expect(judgeSwarm("active\n", ev("active"))).toMatchObject({ id: "stack/host-not-swarm", status: "fail", message: "the engine is in swarm mode (Swarm.LocalNodeState active)", refs: ["CIS 5.1"] });
  });
  it.each(["pending", "locked", "error"])("%s fails too (the engine takes part in a swarm)", (s) => {
    expect(judgeSwarm(s, ev(s)).status).toBe("fail");
  });
  it("inactive passes", () => {
    expect(judgeSwarm("inactive\n", ev("inactive"))).toMatchObject({ status: "pass", message: "swarm mode inactive" });
  });
  it("no answer skips, never passes", () => {
    expect(judgeSwarm("", ev("")).status).toBe("skip");
  });
});
