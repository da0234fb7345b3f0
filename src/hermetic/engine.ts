// Runs the hermetic topology's parts: build the two ci images, start the engine and wait
// until its dockerd answers, run commands in the toolbox, tear it all down.
import { docker, dockerPipe, mustSucceed, type RunOptions, type RunResult } from "../docker.ts";
import { cacheTag } from "./ci-image-cache.ts";
import { startWithPrivileges } from "./privileges.ts";
import type { EngineStorage } from "./storage.ts";
import { ENGINE_HOST, engineRemove, engineRun, imageBuild, leftoverQueries, networkCreate, removal, toolboxRun, volumeCreate, type CiImage, type EnginePrivileges, type Topology, type ToolboxWorkspace } from "./topology.ts";

/** Each ci image from its cache tag when its inputs are unchanged, else built (and cached). */
export async function buildCiImage(t: Topology, name: CiImage, baseImage: string, repoRoot: string): Promise<"cached" | "built"> {
  const base = await docker(["image", "inspect", "--format", "{{.Id}}", baseImage]);
  const cached = base.exitCode === 0 ? cacheTag(repoRoot, name, base.stdout.trim()) : undefined;
  if (cached && (await docker(["image", "inspect", "--format", "{{.Id}}", cached])).exitCode === 0) {
    mustSucceed(await docker(["tag", cached, t.images[name]]), `tagging ${cached}`);
    return "cached";
  }
  mustSucceed(await docker(imageBuild(t, name, baseImage, repoRoot, cached)), `building ci/images/${name}`);
  return "built";
}

/** Network, fresh storage, engine (with the first privileges the host grants); resolves
 *  once dockerd answers the toolbox. */
export async function startEngine(t: Topology, ws: ToolboxWorkspace, storage: EngineStorage, say: (s: string) => void, timeoutMs = 60_000): Promise<EnginePrivileges> {
  mustSucceed(await docker(networkCreate(t)), "creating the hermetic network");
  if (storage.kind === "volume") mustSucceed(await docker(volumeCreate(t)), "creating the engine's volume");
  const { privileges, refused } = await startWithPrivileges(async (p) => {
    const r = await docker(engineRun(t, ws.path, p, storage));
    if (r.exitCode !== 0) await docker(engineRemove(t));
    return { ok: r.exitCode === 0, error: r.stderr };
  });
  for (const r of refused) say(`engine: this host refuses ${r.privileges} (${r.error.replace(/^.*?(unable to apply caps)/, "$1")}); falling back`);
  say(`engine: privileges ${privileges}`);
  const deadline = Date.now() + timeoutMs;
  let last: RunResult | undefined;
  while (Date.now() < deadline) {
    last = await inToolbox(t, ws, ["docker", "version", "--format", "{{.Server.Version}}"]);
    if (last.exitCode === 0) return privileges;
    const state = await docker(["inspect", "--format", "{{.State.Running}}", t.engine]);
    if (state.stdout.trim() !== "true") break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const logs = await docker(["logs", "--tail", "5", t.engine]);
  throw new Error(`the engine did not answer on ${ENGINE_HOST}: ${(logs.stderr || logs.stdout || last?.stderr || "").trim().split("\n").pop()}`);
}

export function inToolbox(t: Topology, ws: ToolboxWorkspace, cmd: string[], opts?: RunOptions): Promise<RunResult> {
  return docker(toolboxRun(t, ws, cmd), opts);
}

/** `docker save` here streamed into `docker load` in the engine (no tarball on disk). */
export function loadIntoEngine(t: Topology, ws: ToolboxWorkspace, images: string[]): Promise<RunResult> {
  return dockerPipe(["save", ...images], toolboxRun(t, ws, ["docker", "load"], { stdin: true }));
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
