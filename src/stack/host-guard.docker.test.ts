// verify refuses a hostile compose file before it builds or starts anything: privileged, the
// host's pid namespace, `/:/host`, docker.sock, a device, a symlink to /, a build context of
// `/` with the host's ssh agent, a secret read from /etc. Nothing of the project may exist
// afterwards: no container, network, volume or image.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { docker } from "../docker.ts";
import { leftovers } from "./lifecycle.ts";
import type { Report } from "../types.ts";

const NONE = "src/testdata/policy/exemptions/none.yaml";

describe("verify's host guard", () => {
  it("refuses a hostile compose file before anything is built or started", async () => {
    const dir = mkdtempSync(join(tmpdir(), "apex-hostile-"));
    copyFileSync(new URL("./testdata/hostile/compose.yaml", import.meta.url), join(dir, "compose.yaml"));
    symlinkSync("/", join(dir, "data"));
    const project = `apex-hostile-${randomBytes(3).toString("hex")}`;
    const out = join(dir, "report");
    const r = spawnSync(process.execPath, ["bin/apex.mjs", "verify", "-f", join(dir, "compose.yaml"), "-p", project, "--exemptions", NONE, "--out", out, "--format", "json"], { encoding: "utf8", timeout: 300_000 });
    expect(r.status, r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as Report;
    const guard = report.checks.find((c) => c.id === "stack/host-guard")!;
    expect(guard).toMatchObject({ status: "fail", message: expect.stringMatching(/nothing was built or started/) });
    const fails = report.checks.filter((c) => c.status === "fail" && c.service === "hostile").map((c) => c.id);
    for (const id of ["compose/no-privileged", "compose/no-host-namespaces", "compose/no-sensitive-host-paths", "compose/no-docker-socket", "compose/no-devices", "compose/build-stays-in-repo", "compose/files-stay-in-repo"])
      expect(fails, id).toContain(id);
    const paths = report.checks.find((c) => c.id === "compose/no-sensitive-host-paths")!;
    expect(JSON.stringify(paths.evidence)).toContain(`${dir}/data (-> /)`);
    // what did not happen
    expect(report.phases.map((p) => p.name)).not.toContain("build");
    expect(report.phases.map((p) => p.name)).not.toContain("up");
    expect(report.checks.some((c) => c.kind === "runtime")).toBe(false);
    expect(await leftovers(project)).toEqual([]);
    expect((await docker(["image", "ls", "-q", "apex-hostile:guard-test"])).stdout.trim()).toBe("");
  });

  it("passes the repository's own stack (it is also part of every verify of it)", () => {
    const r = spawnSync(process.execPath, ["bin/apex.mjs", "policy", "--only", "compose/no-privileged,compose/no-host-namespaces,compose/no-sensitive-host-paths,compose/no-docker-socket,compose/no-devices,compose/build-stays-in-repo,compose/files-stay-in-repo", "--out", mkdtempSync(join(tmpdir(), "apex-guard-ok-"))], { encoding: "utf8" });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
