// The pipeline's own containers, built from ci/images/* here and run for real: the engine
// (our dockerd, started by our entrypoint) runs a stack image under the anchor, reached
// from the toolbox over tcp, and nothing of the run is left afterwards.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker } from "../../src/docker.ts";
import { buildCiImage, inToolbox, leftovers, startEngine, teardown } from "../../src/hermetic/engine.ts";
import { topology, type ToolboxWorkspace } from "../../src/hermetic/topology.ts";
import { engineStorage } from "../../src/hermetic/storage.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const BASE = process.env.BASE_IMAGE || "debian:trixie-slim";
const IMAGE = "apex/memcached:local";
const t = topology(`test-${randomBytes(3).toString("hex")}`);
const ws = mkdtempSync(join(tmpdir(), "apex-ci-images-"));
const tb: ToolboxWorkspace = { path: ws, user: { uid: process.getuid!(), gid: process.getgid!() } };
const timings: string[] = [];

beforeAll(async () => {
  const started = Date.now();
  const how = await Promise.all((["toolbox", "engine"] as const).map((n) => buildCiImage(t, n, BASE, ROOT)));
  timings.push(`both images ${how.join("/")} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  // the default storage of this machine (the hermetic test's parity run covers the other)
  timings.push(`engine privileges ${await startEngine(t, tb, engineStorage(undefined), (s) => timings.push(s))}`);
}, 900_000);
afterAll(async () => {
  await teardown(t);
  rmSync(ws, { recursive: true, force: true });
  console.log(timings.join("; "));
});

describe("ci/images: toolbox and engine", () => {
  it("the toolbox has node 20, npm, the docker CLI with compose v2 and buildx, and git; all from Debian", async () => {
    const r = await inToolbox(t, tb, ["sh", "-c", "node --version; npm --version; docker --version; docker compose version --short; docker buildx version; git --version"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^v20\./);
    expect(r.stdout).toMatch(/^2\.\d+/m);
    expect(r.stdout).toMatch(/buildx/);
    expect(r.stdout).toMatch(/git version/);
  });

  it("the engine's dockerd answers the toolbox on tcp://127.0.0.1:2375 (its network namespace), started by our entrypoint", async () => {
    const r = await inToolbox(t, tb, ["docker", "info", "--format", "{{.CgroupVersion}} {{.Driver}}"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const logs = await docker(["logs", t.engine]);
    const v = r.stdout.trim().split(" ")[0];
    expect(logs.stderr).toMatch(v === "2" ? /engine: cgroup v2 nested/ : /engine: cgroup v1: nothing to nest/);
    const cfg = await docker(["image", "inspect", "--format", "{{json .Config.Entrypoint}}", t.images.engine]);
    expect(JSON.parse(cfg.stdout)).toEqual(["/apex/engine-entrypoint.sh"]);
  });

  it("runs a stack image inside it under the anchor: CapEff 0, NoNewPrivs 1", async () => {
    execFileSync("docker", ["save", "-o", join(ws, "image.tar"), IMAGE]);
    const load = await inToolbox(t, tb, ["docker", "load", "-i", join(ws, "image.tar")]);
    expect(load.exitCode, load.stderr).toBe(0);
    const r = await inToolbox(t, tb, [
      "docker", "run", "--rm", "--cap-drop", "ALL", "--security-opt", "no-new-privileges:true", "--read-only",
      "--user", "1003:1003", "--entrypoint", "grep", IMAGE, "-E", "^(CapEff|NoNewPrivs)", "/proc/self/status",
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/CapEff:\s+0000000000000000/);
    expect(r.stdout).toMatch(/NoNewPrivs:\s+1/);
  });

  it("teardown leaves no container, network, volume or image of the run", async () => {
    expect(await leftovers(t)).not.toEqual([]);
    expect(await teardown(t)).toEqual([]);
  });
});
