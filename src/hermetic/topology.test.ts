// The hermetic topology's argv: what each container gets, and what it must never get.
import { describe, expect, it } from "vitest";
import { engineRun, imageBuild, leftoverQueries, networkCreate, removal, toolboxRun, topology, volumeCreate } from "./topology.ts";
import { innerVerifyArgv } from "./run.ts";

const t = topology("abc123");
const WS = "/work/repo";
const after = (argv: string[], flag: string) => argv.flatMap((a, i) => (a === flag ? [argv[i + 1]] : []));

describe("hermetic topology", () => {
  it("names every object after the run and labels it, so runs never share one", () => {
    const u = topology("def456");
    for (const k of ["network", "volume", "engine", "toolbox"] as const) expect(t[k]).not.toBe(u[k]);
    for (const argv of [networkCreate(t), volumeCreate(t), engineRun(t, WS), toolboxRun(t, WS, { uid: 0, gid: 0 }, ["true"]), imageBuild(t, "engine", "b", WS)])
      expect(after(argv, "--label")).toEqual(["io.apex.hermetic=abc123"]);
  });

  it("the network is internal; the engine publishes no port and uses the run's fresh volume", () => {
    expect(networkCreate(t)).toContain("--internal");
    const e = engineRun(t, WS);
    expect(e).not.toContain("-p");
    expect(e).not.toContain("--publish");
    expect(e).not.toContain("--privileged");
    expect(after(e, "--mount")).toEqual([`type=volume,src=${t.volume},dst=/var/lib/docker`]);
    expect(after(e, "--network-alias")).toEqual(["engine"]);
    expect(e.at(-1)).toBe(t.images.engine); // the image's own entrypoint and command run
  });

  it("the workspace is at the same path in both containers", () => {
    expect(after(engineRun(t, WS), "-v")).toContain(`${WS}:${WS}`);
    const tb = toolboxRun(t, WS, { uid: 1000, gid: 1000 }, ["true"]);
    expect(after(tb, "-v")).toEqual([`${WS}:${WS}`]);
    expect(after(tb, "-w")).toEqual([WS]);
  });

  it("the toolbox reaches the engine over tcp, drops every capability (as root keeps only CHOWN, DAC_OVERRIDE, FOWNER)", () => {
    const tb = toolboxRun(t, WS, { uid: 1000, gid: 1000 }, ["true"]);
    expect(after(tb, "-e")).toContain("DOCKER_HOST=tcp://engine:2375");
    expect(after(tb, "--cap-drop")).toEqual(["ALL"]);
    expect(after(tb, "--cap-add")).toEqual([]);
    expect(tb).toContain("--read-only");
    expect(after(tb, "--security-opt")).toEqual(["no-new-privileges:true"]);
    expect(after(toolboxRun(t, WS, { uid: 0, gid: 0 }, ["true"]), "--cap-add")).toEqual(["CHOWN", "DAC_OVERRIDE", "FOWNER"]);
  });

  it("builds each ci image from ci/images/<name> with BASE_IMAGE, and removal covers all it made", () => {
    expect(imageBuild(t, "toolbox", "local/base:1", WS)).toEqual(expect.arrayContaining(["--build-arg", "BASE_IMAGE=local/base:1", `${WS}/ci/images/toolbox`]));
    const removed = removal(t).flat();
    for (const x of [t.toolbox, t.engine, t.network, t.volume, t.images.toolbox, t.images.engine]) expect(removed).toContain(x);
    expect(leftoverQueries(t).length).toBe(5);
  });

  it("the inner verify uses the loaded images and passes the caller's choices on", () => {
    const argv = innerVerifyArgv({ compose: ["infra/compose.yaml"], profile: ["x"], format: ["json", "md"], out: "report", exemptions: "infra/exemptions.yaml", skipWorkflows: true }, "/w/r");
    expect(argv).toEqual(["npx", "apex", "verify", "--no-build", "--out", "/w/r", "--format", "json,md", "-f", "infra/compose.yaml", "--profile", "x", "--exemptions", "infra/exemptions.yaml", "--skip-workflows"]);
  });
});
