// The release gate and image selection, on hand-built inputs: a failing report never opens
// the gate, an image that changed since verify blocks the release.
import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.ts";
import type { ResolvedCompose } from "../sources/compose.ts";
import type { Report } from "../types.ts";
import { changedSinceVerify, checkTarget, gate, releaseImages, repoName } from "./images.ts";
import { loadedRef } from "./load-images.ts";

const report = (status: "pass" | "fail", fail = 0): Report => ({
  schemaVersion: 1,
  tool: { name: "apex", version: "0.1.0" },
  command: "verify",
  status,
  startedAt: "2026-01-01T00:00:00Z",
  finishedAt: "2026-01-01T00:01:00Z",
  composeFiles: ["infra/compose.yaml"],
  phases: [],
  summary: { pass: 3, fail, skip: 0, waived: 0 },
  checks: [],
});

const model: ResolvedCompose = {
  name: "apex",
  services: {
    postgres: { image: "apex/postgres:local", build: { context: "services/postgres" } },
    logical_backup: { image: "apex/postgres:local", build: { context: "services/postgres" } },
    api: { image: "apex/api:local", build: { context: "services/api" } },
    pghero: { image: "ghcr.io/ankane/pghero:v3" },
  },
};

describe("release gate", () => {
  it("opens on a passing verify", () => expect(gate({ report: report("pass"), exitCode: 0 }).ok).toBe(true));
  it("stays shut on a failing report", () => {
    const g = gate({ report: report("fail", 2), exitCode: 1 });
    expect(g.ok).toBe(false);
    expect(g.reason).toMatch(/2 failed/);
  });
  it("stays shut when the exit code says fail even if the status says pass", () =>
    expect(gate({ report: report("pass"), exitCode: 2 }).ok).toBe(false));
});

describe("images to publish", () => {
  it("are the built images, once each, named by their last path segment", () => {
    expect(releaseImages(model)).toEqual([
      { name: "api", image: "apex/api:local" },
      { name: "postgres", image: "apex/postgres:local" },
    ]);
  });
  it("reject two images that would land on the same name", () => {
    const clash: ResolvedCompose = { name: "x", services: { a: { image: "one/api:1", build: { context: "." } }, b: { image: "two/api:1", build: { context: "." } } } };
    expect(() => releaseImages(clash)).toThrow(UsageError);
  });
  it("repoName ignores registry ports, tags and digests", () => {
    expect(repoName("127.0.0.1:5000/apex/api:local")).toBe("api");
    expect(repoName("apex/api@sha256:abc")).toBe("api");
    expect(repoName("valkey")).toBe("valkey");
  });
  it("flag an image whose id differs from the one verify recorded, and only that one", () => {
    const verified = [
      { service: "api", image: "apex/api:local", id: "sha256:aaa" },
      { service: "postgres", image: "apex/postgres:local", id: "sha256:bbb" },
    ];
    const now = new Map([["apex/api:local", "sha256:aaa"], ["apex/postgres:local", "sha256:ccc"]]);
    expect(changedSinceVerify(verified, now)).toEqual(["apex/postgres:local"]);
    expect(changedSinceVerify(verified, new Map([["apex/api:local", "sha256:aaa"], ["apex/postgres:local", "sha256:bbb"]]))).toEqual([]);
  });
});

describe("release target", () => {
  it("accepts host[:port][/path] and a plain tag", () => {
    expect(() => checkTarget("127.0.0.1:5000/apex", "v1.2.3")).not.toThrow();
    expect(() => checkTarget("ghcr.io/acme/apex", "main-1")).not.toThrow();
  });
  it("rejects a scheme, uppercase paths and bad tags with a usage error", () => {
    expect(() => checkTarget("https://registry/apex", "v1")).toThrow(UsageError);
    expect(() => checkTarget("registry/Apex", "v1")).toThrow(UsageError);
    expect(() => checkTarget("registry/apex", "-v1")).toThrow(UsageError);
    expect(() => checkTarget("registry/apex", "a:b")).toThrow(UsageError);
  });
});

describe("docker load output", () => {
  it("yields the image id of an OCI tarball, or the name of a docker save tarball", () => {
    expect(loadedRef("Loaded image ID: sha256:0123abcd\n")).toBe("sha256:0123abcd");
    expect(loadedRef("abc: Loading layer\nLoaded image: apex/api:local\n")).toBe("apex/api:local");
    expect(loadedRef("nothing here\n")).toBeUndefined();
  });
});
