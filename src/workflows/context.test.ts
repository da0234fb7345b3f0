import { describe, expect, it } from "vitest";
import { apiReachableFromHere } from "./context.ts";

describe("apiReachableFromHere", () => {
  it("uses the published port only when the engine is on this machine", () => {
    expect(apiReachableFromHere({})).toBe(true);
    expect(apiReachableFromHere({ DOCKER_HOST: "unix:///var/run/docker.sock" })).toBe(true);
    expect(apiReachableFromHere({ DOCKER_HOST: "tcp://127.0.0.1:2375" })).toBe(true);
    expect(apiReachableFromHere({ DOCKER_HOST: "tcp://localhost:2375" })).toBe(true);
    expect(apiReachableFromHere({ DOCKER_HOST: "tcp://docker:2375" })).toBe(false);
    expect(apiReachableFromHere({ DOCKER_HOST: "ssh://ci@staging" })).toBe(false);
  });
  it("can be forced either way", () => {
    expect(apiReachableFromHere({ APEX_API_FROM: "inside" })).toBe(false);
    expect(apiReachableFromHere({ DOCKER_HOST: "tcp://docker:2375", APEX_API_FROM: "host" })).toBe(true);
  });
});
