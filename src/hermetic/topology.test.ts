// The hermetic topology's argv: what each container gets, and what it must never get.
import { describe, expect, it } from "vitest";
import { CACHE_LABEL, ENGINE_PRIVILEGES, engineRun, imageBuild, leftoverQueries, networkCreate, removal, toolboxRun, topology, volumeCreate } from "./topology.ts";
import { innerVerifyArgv } from "./run.ts";
import type { ToolboxWorkspace } from "./topology.ts";

const t = topology("abc123");
const WS = "/work/repo";
const ws = (uid: number, extra: Partial<ToolboxWorkspace> = {}): ToolboxWorkspace => ({ path: WS, user: { uid, gid: uid }, ...extra });
const VOLUME = { kind: "volume" } as const;
const after = (argv: string[], flag: string) => argv.flatMap((a, i) => (a === flag ? [argv[i + 1]] : []));

describe("hermetic topology", () => {
  it("names every object after the run and labels it, so runs never share one", () => {
    const u = topology("def456");
    for (const k of ["network", "volume", "engine", "toolbox"] as const) expect(t[k]).not.toBe(u[k]);
    for (const argv of [networkCreate(t), volumeCreate(t), engineRun(t, WS, "measured-set", VOLUME), toolboxRun(t, ws(0), ["true"]), imageBuild(t, "engine", "b", WS)])
      expect(after(argv, "--label")).toEqual(["io.apex.hermetic=abc123"]);
  });

  it("the network is internal; the engine publishes no port and uses the run's fresh volume", () => {
    expect(networkCreate(t)).toContain("--internal");
    const e = engineRun(t, WS, "measured-set", VOLUME);
    expect(e).not.toContain("-p");
    expect(e).not.toContain("--publish");
    expect(after(e, "--mount")).toEqual([`type=volume,src=${t.volume},dst=/var/lib/docker`]);
    expect(after(e, "--tmpfs")).toEqual([]);
    // or a tmpfs (exec: the engine runs containers from it), and then no volume at all
    const m = engineRun(t, WS, "measured-set", { kind: "tmpfs", sizeMiB: 4096 });
    expect(after(m, "--tmpfs")).toEqual(["/var/lib/docker:rw,exec,size=4096m"]);
    expect(after(m, "--mount")).toEqual([]);
    expect(m.join(" ")).not.toContain(t.volume);
    expect(after(e, "--network-alias")).toEqual(["engine"]);
    expect(e.at(-1)).toBe(t.images.engine); // the image's own entrypoint and command run
  });

  it("privileged is --privileged alone; the measured set is every capability but SYS_RESOURCE, never --privileged", () => {
    const p = engineRun(t, WS, "privileged", VOLUME);
    expect(p).toContain("--privileged");
    expect(p).not.toContain("--cap-add");
    const m = engineRun(t, WS, "measured-set", VOLUME);
    expect(m).not.toContain("--privileged");
    expect(m.join(" ")).toContain(ENGINE_PRIVILEGES.join(" "));
    expect(after(m, "--cap-drop")).toEqual(["SYS_RESOURCE"]);
    for (const e of [p, m]) expect(after(e, "-e")).toEqual(["DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1"]);
  });

  it("the workspace is at the same path in both containers; a worktree's common git dir is mounted read-only", () => {
    expect(after(engineRun(t, WS, "privileged", VOLUME), "-v")).toContain(`${WS}:${WS}`);
    const tb = toolboxRun(t, ws(1000), ["true"]);
    expect(after(tb, "-v")).toEqual([`${WS}:${WS}`]);
    expect(after(tb, "-w")).toEqual([WS]);
    expect(after(toolboxRun(t, ws(1000, { gitCommonDir: "/elsewhere/.git" }), ["true"]), "-v")).toEqual([`${WS}:${WS}`, "/elsewhere/.git:/elsewhere/.git:ro"]);
    // a plain checkout's .git is inside the workspace: no second mount
    expect(after(toolboxRun(t, ws(1000, { gitCommonDir: `${WS}/.git` }), ["true"]), "-v")).toEqual([`${WS}:${WS}`]);
  });

  it("the toolbox shares the engine's network namespace, drops every capability (as root keeps only CHOWN, DAC_OVERRIDE, FOWNER)", () => {
    const tb = toolboxRun(t, ws(1000, { env: { APEX_ENGINE_TOPOLOGY: "hermetic" } }), ["true"]);
    expect(after(tb, "--network")).toEqual([`container:${t.engine}`]);
    expect(after(tb, "-e")).toContain("DOCKER_HOST=tcp://127.0.0.1:2375");
    expect(after(tb, "-e")).toContain("APEX_ENGINE_TOPOLOGY=hermetic");
    expect(tb).not.toContain("-i");
    expect(toolboxRun(t, ws(1000), ["docker", "load"], { stdin: true })).toContain("-i");
    expect(after(tb, "--cap-drop")).toEqual(["ALL"]);
    expect(after(tb, "--cap-add")).toEqual([]);
    expect(tb).toContain("--read-only");
    expect(after(tb, "--security-opt")).toEqual(["no-new-privileges:true"]);
    expect(after(toolboxRun(t, ws(0), ["true"]), "--cap-add")).toEqual(["CHOWN", "DAC_OVERRIDE", "FOWNER"]);
  });

  it("builds each ci image from ci/images/<name> with BASE_IMAGE, and removal covers all it made", () => {
    expect(imageBuild(t, "toolbox", "local/base:1", WS)).toEqual(expect.arrayContaining(["--build-arg", "BASE_IMAGE=local/base:1", `${WS}/ci/images/toolbox`]));
    // a build kept for later runs is tagged twice and labelled as cache, not as this run's
    const cached = imageBuild(t, "toolbox", "b", WS, "apex/ci-toolbox:cache-1");
    expect(after(cached, "-t")).toEqual(["apex/ci-toolbox:cache-1", t.images.toolbox]);
    expect(after(cached, "--label")).toEqual([`${CACHE_LABEL}=toolbox`]);
    const removed = removal(t).flat();
    for (const x of [t.toolbox, t.engine, t.network, t.volume, t.images.toolbox, t.images.engine]) expect(removed).toContain(x);
    expect(leftoverQueries(t).length).toBe(5);
  });

  it("the inner verify uses the loaded images and passes the caller's choices on", () => {
    const argv = innerVerifyArgv({ compose: ["infra/compose.yaml"], profile: ["x"], format: ["json", "md"], out: "report", exemptions: "infra/exemptions.yaml", skipWorkflows: true }, "/w/r");
    expect(argv).toEqual(["node", "bin/apex.mjs", "verify", "--no-build", "--out", "/w/r", "--format", "json,md", "-f", "infra/compose.yaml", "--profile", "x", "--exemptions", "infra/exemptions.yaml", "--skip-workflows"]);
  });
});
