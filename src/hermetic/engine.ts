// Runs the hermetic topology's parts: build the two ci images, start the engine and wait
// until its dockerd answers, run commands in the toolbox, tear it all down.
import { docker, mustSucceed, type RunOptions, type RunResult } from "../docker.ts";
import { ENGINE_HOST, engineRun, imageBuild, leftoverQueries, networkCreate, removal, toolboxRun, volumeCreate, type Topology, type ToolboxUser } from "./topology.ts";

export async function buildCiImages(t: Topology, baseImage: string, repoRoot: string): Promise<void> {
  await Promise.all((["toolbox", "engine"] as const).map(async (name) => mustSucceed(await docker(imageBuild(t, name, baseImage, repoRoot)), `building ci/images/${name}`)));
}

/** Network, fresh volume, engine; resolves once dockerd answers the toolbox over tcp. */
export async function startEngine(t: Topology, workspace: string, user: ToolboxUser, timeoutMs = 60_000): Promise<void> {
  mustSucceed(await docker(networkCreate(t)), "creating the hermetic network");
  mustSucceed(await docker(volumeCreate(t)), "creating the engine's volume");
  mustSucceed(await docker(engineRun(t, workspace)), "starting the engine");
  const deadline = Date.now() + timeoutMs;
  let last: RunResult | undefined;
  while (Date.now() < deadline) {
    last = await inToolbox(t, workspace, user, ["docker", "version", "--format", "{{.Server.Version}}"]);
    if (last.exitCode === 0) return;
    const state = await docker(["inspect", "--format", "{{.State.Running}}", t.engine]);
    if (state.stdout.trim() !== "true") break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const logs = await docker(["logs", "--tail", "5", t.engine]);
  throw new Error(`the engine did not answer on ${ENGINE_HOST}: ${(logs.stderr || logs.stdout || last?.stderr || "").trim().split("\n").pop()}`);
}

export function inToolbox(t: Topology, workspace: string, user: ToolboxUser, cmd: string[], opts?: RunOptions): Promise<RunResult> {
  return docker(toolboxRun(t, workspace, user, cmd), opts);
}

/** Removes everything the run made (whatever exists of it); returns what is still there. */
export async function teardown(t: Topology): Promise<string[]> {
  for (const argv of removal(t)) await docker(argv);
  return leftovers(t);
}

export async function leftovers(t: Topology): Promise<string[]> {
  const out: string[] = [];
  for (const q of leftoverQueries(t)) out.push(...(await docker(q)).stdout.split("\n").filter(Boolean).map((id) => `${q[0]}:${id}`));
  return out;
}
