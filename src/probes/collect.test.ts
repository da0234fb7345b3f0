import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sidecarRefused } from "./collect.ts";
import { inspectFacts } from "./model.ts";

// a real `docker inspect` of the no-shell fixture, with its PidMode set as compose would
const inspected = (pidMode?: string) => {
  const j = JSON.parse(readFileSync(new URL("./testdata/cases/noshell/inspect.json", import.meta.url), "utf8"));
  if (pidMode !== undefined) j.HostConfig.PidMode = pidMode;
  return inspectFacts(j);
};

describe("the PID-namespace sidecar", () => {
  it("is used for a container with a PID namespace of its own", () => {
    expect(sidecarRefused(inspected())).toBeUndefined();
    expect(sidecarRefused(inspected(""))).toBeUndefined();
  });
  it("is refused with pid: host: its PID 1 would be the host's init, /proc/1/root the host's root", () => {
    expect(sidecarRefused(inspected("host"))).toMatch(/^no sidecar: the PID namespace is the host's/);
  });
  it("is refused with another container's PID namespace (pid: service:x)", () => {
    expect(sidecarRefused(inspected("container:0123abcd"))).toMatch(/another container's \(container:0123abcd\)/);
  });
});
