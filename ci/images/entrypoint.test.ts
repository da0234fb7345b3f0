// The engine's entrypoint on a cgroup tree it is pointed at (APEX_CGROUP_ROOT): on v2 it
// moves the root cgroup's processes into init and enables every controller, on v1 it
// touches nothing; either way it execs the command with its exit status.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const SCRIPT = resolve(import.meta.dirname, "engine/entrypoint.sh");
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const run = (root: string, ...cmd: string[]) => spawnSync("sh", [SCRIPT, ...cmd], { env: { ...process.env, APEX_CGROUP_ROOT: root }, encoding: "utf8" });

describe("ci/images/engine/entrypoint.sh", () => {
  it("cgroup v2: moves every root-cgroup process into init, enables every controller, then execs", () => {
    dir = mkdtempSync(join(tmpdir(), "apex-cg2-"));
    writeFileSync(join(dir, "cgroup.controllers"), "cpuset cpu io memory pids\n");
    writeFileSync(join(dir, "cgroup.procs"), "1\n42\n");
    writeFileSync(join(dir, "cgroup.subtree_control"), "");
    const r = run(dir, "sh", "-c", "echo ran; exit 3");
    expect(r.status).toBe(3);
    expect(r.stdout).toBe("ran\n");
    expect(readFileSync(join(dir, "init/cgroup.procs"), "utf8")).toBe("1\n42\n");
    expect(readFileSync(join(dir, "cgroup.subtree_control"), "utf8").trim()).toBe("+cpuset +cpu +io +memory +pids");
    expect(r.stderr).toMatch(/cgroup v2 nested/);
  });

  it("cgroup v1 (no cgroup.controllers): creates nothing and execs the command", () => {
    dir = mkdtempSync(join(tmpdir(), "apex-cg1-"));
    const r = run(dir, "echo", "ran");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("ran\n");
    expect(existsSync(join(dir, "init"))).toBe(false);
    expect(r.stderr).toMatch(/cgroup v1/);
  });
});
