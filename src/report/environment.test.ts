// The engine a report says it verified on, from the variables the runners set.
import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.ts";
import { describeEngine, engineEnvironment, engineVariables } from "./environment.ts";

describe("report environment.engine", () => {
  it("a verify started on a Docker host says host, without privileges", () => {
    expect(engineEnvironment({})).toEqual({ topology: "host" });
    expect(describeEngine({ topology: "host" })).toBe("host Docker engine");
  });

  it("round-trips what a runner hands the inner verify", () => {
    for (const e of [{ topology: "hermetic", privileges: "measured-set", storage: "tmpfs" }, { topology: "hermetic", privileges: "privileged", storage: "volume" }, { topology: "dagger", privileges: "privileged" }] as const)
      expect(engineEnvironment(engineVariables(e))).toEqual(e);
    expect(describeEngine({ topology: "hermetic", privileges: "measured-set" })).toBe("hermetic engine, measured-set privileges");
    expect(describeEngine({ topology: "hermetic", privileges: "measured-set", storage: "tmpfs" })).toBe("hermetic engine, measured-set privileges, /var/lib/docker on tmpfs");
  });

  it("a value it does not know is a usage error naming the variable", () => {
    expect(() => engineEnvironment({ APEX_ENGINE_TOPOLOGY: "kubernetes" })).toThrow(UsageError);
    expect(() => engineEnvironment({ APEX_ENGINE_TOPOLOGY: "kubernetes" })).toThrow(/APEX_ENGINE_TOPOLOGY=kubernetes is none of host, hermetic, dagger/);
    expect(() => engineEnvironment({ APEX_ENGINE_TOPOLOGY: "hermetic", APEX_ENGINE_PRIVILEGES: "root" })).toThrow(/APEX_ENGINE_PRIVILEGES=root/);
    expect(() => engineEnvironment({ APEX_ENGINE_PRIVILEGES: "privileged" })).toThrow(/applies to an engine container/);
    expect(() => engineEnvironment({ APEX_ENGINE_TOPOLOGY: "hermetic", APEX_ENGINE_STORAGE: "nfs" })).toThrow(/APEX_ENGINE_STORAGE=nfs is none of tmpfs, volume/);
    expect(() => engineEnvironment({ APEX_ENGINE_STORAGE: "tmpfs" })).toThrow(/APEX_ENGINE_STORAGE applies to an engine container/);
  });
});
