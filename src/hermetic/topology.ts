// The hermetic topology as docker argv arrays (pure: nothing here runs anything). One run
// owns a private network, a fresh volume for the engine's /var/lib/docker, the engine
// container (our ci/images/engine, dockerd) and the toolbox container (ci/images/toolbox,
// the docker client and node) that shares its network namespace and reaches it as
// tcp://127.0.0.1:2375. Every object carries
// the run's label, which is how cleanup and the leftover check find them.
import type { EngineStorage } from "./storage.ts";

export const LABEL = "io.apex.hermetic";
export const ENGINE_ALIAS = "engine";
/** The toolbox shares the engine's network namespace (see toolboxRun). */
export const ENGINE_HOST = "tcp://127.0.0.1:2375";
export type CiImage = "toolbox" | "engine";

export interface Topology {
  id: string;
  network: string;
  volume: string;
  engine: string;
  toolbox: string;
  images: Record<CiImage, string>;
}

export function topology(id: string): Topology {
  const n = `apex-hermetic-${id}`;
  return {
    id,
    network: n,
    volume: `${n}-docker`,
    engine: `${n}-engine`,
    toolbox: `${n}-toolbox`,
    images: { toolbox: `apex/ci-toolbox:hermetic-${id}`, engine: `apex/ci-engine:hermetic-${id}` },
  };
}

const label = (t: Topology) => ["--label", `${LABEL}=${t.id}`];

/** Marks a ci image kept for later runs (./ci-image-cache.ts), which no run owns. */
export const CACHE_LABEL = "io.apex.ci-cache";

/** `docker build` of ci/images/<name> FROM baseImage (the only image it starts from), tagged
 *  for the run and, given a cache tag, under it too (then labelled as cache, not as the run's). */
export function imageBuild(t: Topology, name: CiImage, baseImage: string, repoRoot: string, cacheTag?: string): string[] {
  const owner = cacheTag ? ["--label", `${CACHE_LABEL}=${name}`, "-t", cacheTag] : label(t);
  return ["build", "--quiet", ...owner, "--build-arg", `BASE_IMAGE=${baseImage}`, "-t", t.images[name], `${repoRoot}/ci/images/${name}`];
}

/** Internal: neither container (nor anything the engine runs) reaches beyond it. */
export const networkCreate = (t: Topology) => ["network", "create", "--internal", ...label(t), t.network];
export const volumeCreate = (t: Topology) => ["volume", "create", ...label(t), t.volume];

/** How the engine gets the privileges dockerd needs: `--privileged` where the host grants
 *  it, else the measured set (see ./privileges.ts for the choice). */
export type EnginePrivileges = "privileged" | "measured-set";

/** What --privileged would give, less CAP_SYS_RESOURCE (hosts without it refuse --privileged);
 *  the justification is ci/images/exemptions.yaml's. */
export const ENGINE_PRIVILEGES = [
  "--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE",
  "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
  "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
];
const PRIVILEGE_ARGV: Record<EnginePrivileges, string[]> = { privileged: ["--privileged"], "measured-set": ENGINE_PRIVILEGES };

/** The engine's /var/lib/docker: the run's fresh volume, or a tmpfs that goes with the container. */
export const engineStorageArgv = (t: Topology, storage: EngineStorage): string[] =>
  storage.kind === "tmpfs"
    ? ["--tmpfs", `/var/lib/docker:rw,exec,size=${storage.sizeMiB}m`] // exec: the engine's containers run from it
    : ["--mount", `type=volume,src=${t.volume},dst=/var/lib/docker`];

/** The engine sees the workspace at the same path: compose resolves bind mounts and file
 *  secrets on the client, and the engine mounts them from its own filesystem. */
export function engineRun(t: Topology, workspace: string, privileges: EnginePrivileges, storage: EngineStorage): string[] {
  return [
    "run", "--detach", "--name", t.engine, ...label(t),
    "--network", t.network, "--network-alias", ENGINE_ALIAS,
    ...PRIVILEGE_ARGV[privileges],
    // without it dockerd's veth setup fails on an IPv6 sysctl where the host has none
    "-e", "DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1",
    ...engineStorageArgv(t, storage),
    "-v", `${workspace}:${workspace}`,
    t.images.engine,
  ];
}

/** A refused start leaves a created container behind under the engine's name. */
export const engineRemove = (t: Topology) => ["rm", "--force", "--volumes", t.engine];

export interface ToolboxUser {
  uid: number;
  gid: number;
}

/** What every toolbox command sees of the host: the workspace (same path), its owner and,
 *  for a git worktree, the repository's common git dir (read-only: reports name the commit). */
export interface ToolboxWorkspace {
  path: string;
  user: ToolboxUser;
  gitCommonDir?: string;
  env?: Record<string, string>;
}

/** The toolbox runs one command as the workspace's owner (what it writes stays theirs).
 *  As root it keeps only what scripts/secrets.sh needs to hand each service its copy.
 *  It shares the engine's network namespace, as a client on the engine's machine would:
 *  dockerd answers on 127.0.0.1:2375 and the api's published port (127.0.0.1 by design)
 *  is reachable, so workflow checks call it directly instead of through docker exec. */
export function toolboxRun(t: Topology, ws: ToolboxWorkspace, cmd: string[], opts: { stdin?: boolean } = {}): string[] {
  const caps = ws.user.uid === 0 ? ["--cap-add", "CHOWN", "--cap-add", "DAC_OVERRIDE", "--cap-add", "FOWNER"] : [];
  const git = ws.gitCommonDir && !ws.gitCommonDir.startsWith(`${ws.path}/`) ? ["-v", `${ws.gitCommonDir}:${ws.gitCommonDir}:ro`] : [];
  const env = Object.entries(ws.env ?? {}).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  return [
    "run", "--rm", ...(opts.stdin ? ["-i"] : []), "--name", t.toolbox, ...label(t),
    "--network", `container:${t.engine}`,
    "--user", `${ws.user.uid}:${ws.user.gid}`,
    "--cap-drop", "ALL", ...caps, "--security-opt", "no-new-privileges:true",
    "--read-only", "--tmpfs", "/tmp:mode=1777,exec", "-e", "HOME=/tmp",
    "-e", `DOCKER_HOST=${ENGINE_HOST}`, ...env,
    "-v", `${ws.path}:${ws.path}`, ...git, "-w", ws.path,
    t.images.toolbox, ...cmd,
  ];
}

/** Everything a run may have made, in removal order (each may find nothing: that is fine). */
export function removal(t: Topology): string[][] {
  return [
    ["rm", "--force", "--volumes", t.toolbox, t.engine],
    ["network", "rm", t.network],
    ["volume", "rm", "--force", t.volume],
    ["image", "rm", "--force", t.images.toolbox, t.images.engine],
  ];
}

/** What is left of the run: containers, networks and volumes carrying its label, and its images. */
export function leftoverQueries(t: Topology): string[][] {
  const f = ["--filter", `label=${LABEL}=${t.id}`];
  return [
    ["ps", "--all", "--quiet", ...f],
    ["network", "ls", "--quiet", ...f],
    ["volume", "ls", "--quiet", ...f],
    ["image", "ls", "--quiet", `apex/ci-toolbox:hermetic-${t.id}`],
    ["image", "ls", "--quiet", `apex/ci-engine:hermetic-${t.id}`],
  ];
}
