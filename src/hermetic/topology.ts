// The hermetic topology as docker argv arrays (pure: nothing here runs anything). One run
// owns a private network, a fresh volume for the engine's /var/lib/docker, the engine
// container (our ci/images/engine, dockerd) and the toolbox container (ci/images/toolbox,
// the docker client and node) that reaches it as tcp://engine:2375. Every object carries
// the run's label, which is how cleanup and the leftover check find them.
export const LABEL = "io.apex.hermetic";
export const ENGINE_ALIAS = "engine";
export const ENGINE_HOST = `tcp://${ENGINE_ALIAS}:2375`;
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

/** `docker build` of ci/images/<name> FROM baseImage (the only image it starts from). */
export function imageBuild(t: Topology, name: CiImage, baseImage: string, repoRoot: string): string[] {
  return ["build", "--quiet", ...label(t), "--build-arg", `BASE_IMAGE=${baseImage}`, "-t", t.images[name], `${repoRoot}/ci/images/${name}`];
}

/** Internal: neither container (nor anything the engine runs) reaches beyond it. */
export const networkCreate = (t: Topology) => ["network", "create", "--internal", ...label(t), t.network];
export const volumeCreate = (t: Topology) => ["volume", "create", ...label(t), t.volume];

/** What --privileged would give, less CAP_SYS_RESOURCE (hosts without it refuse --privileged);
 *  the justification is ci/images/exemptions.yaml's. */
export const ENGINE_PRIVILEGES = [
  "--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE",
  "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
  "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
  // without it dockerd's veth setup fails on an IPv6 sysctl where the host has none
  "-e", "DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1",
];

/** The engine sees the workspace at the same path: compose resolves bind mounts and file
 *  secrets on the client, and the engine mounts them from its own filesystem. */
export function engineRun(t: Topology, workspace: string): string[] {
  return [
    "run", "--detach", "--name", t.engine, ...label(t),
    "--network", t.network, "--network-alias", ENGINE_ALIAS,
    ...ENGINE_PRIVILEGES,
    "--mount", `type=volume,src=${t.volume},dst=/var/lib/docker`,
    "-v", `${workspace}:${workspace}`,
    t.images.engine,
  ];
}

export interface ToolboxUser {
  uid: number;
  gid: number;
}

/** The toolbox runs one command as the workspace's owner (what it writes stays theirs).
 *  As root it keeps only what scripts/secrets.sh needs to hand each service its copy. */
export function toolboxRun(t: Topology, workspace: string, user: ToolboxUser, cmd: string[]): string[] {
  const caps = user.uid === 0 ? ["--cap-add", "CHOWN", "--cap-add", "DAC_OVERRIDE", "--cap-add", "FOWNER"] : [];
  return [
    "run", "--rm", "--name", t.toolbox, ...label(t),
    "--network", t.network,
    "--user", `${user.uid}:${user.gid}`,
    "--cap-drop", "ALL", ...caps, "--security-opt", "no-new-privileges:true",
    "--read-only", "--tmpfs", "/tmp:mode=1777,exec", "-e", "HOME=/tmp",
    "-e", `DOCKER_HOST=${ENGINE_HOST}`,
    "-v", `${workspace}:${workspace}`, "-w", workspace,
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
