// The facts a probe judges. collect.ts fills them (the only part that talks to Docker);
// every evaluator is a pure function of one ServiceFacts, so tests feed canned facts.
import type { GatherMode } from "./script.ts";

/** One process as /proc/<pid>/status shows it; `lines` are the raw status lines. */
export interface ProcFact {
  pid: number;
  ppid: number;
  name: string;
  uid: number[]; // real, effective, saved, filesystem
  gid: number[];
  groups: number[];
  caps: { inh?: bigint; prm?: bigint; eff?: bigint; bnd?: bigint; amb?: bigint };
  noNewPrivs?: number;
  seccomp?: number;
  /** One line of /proc/<pid>/cgroup (the pids or unified hierarchy): whose process it is */
  cgroup?: string;
  lines: string[];
}

/** One /proc/1/mountinfo line, split (proc(5)). */
export interface MountFact {
  mountPoint: string;
  options: string[]; // per-mount: ro|rw, nosuid, nodev, noexec, ...
  fstype: string;
  source: string;
  superOptions: string[]; // per-superblock: size=, mode=, uid=, gid=
  line: string;
}

/** A real write attempt (create + remove a uniquely named file) as the exec user. */
export interface WriteFact {
  path: string;
  fstype: string;
  exitCode: number;
  error: string;
}

export interface StatFact {
  path: string;
  uid: number;
  gid: number;
  mode: string; // octal, as stat %a prints it (e.g. "1777", "755")
  type: string;
  line: string;
}

export interface FindFact {
  lines: string[]; // matches, as find -printf wrote them
  errors: string[]; // find's own error lines (unreadable directories)
  truncated: boolean;
  total?: number;
}

/** What the gather script reported; a section missing or "unavailable" carries its reason. */
export interface GatheredFacts {
  mode: GatherMode;
  command: string[]; // argv, with the script elided
  exitCode: number;
  stderr: string;
  selfPid?: number;
  self?: { uid: number[]; gid: number[]; lines: string[] };
  checkUser?: { uid: string; gid: string };
  resolved?: Record<string, string>; // declared path -> path with symlinks resolved in the container
  procs?: ProcFact[]; // the container's own: the gatherer's and other cgroups' removed
  /** Processes of other cgroups were visible (pid: host, a shared PID namespace) and left out. */
  sharedPidNamespace?: { cgroup: string; others: number; examples: string[] };
  mounts?: MountFact[];
  rootWrite?: { exitCode: number; error: string };
  writable?: WriteFact[];
  stats?: StatFact[];
  app?: FindFact | "absent";
  perms?: FindFact;
  cgroup?: Record<string, string>;
  cgroupLines?: string[];
  sockets?: string[];
  /** PID 1's "Max core file size" (/proc/1/limits): "0", a number of bytes, or "unlimited" */
  coreLimit?: { soft: string; hard: string; line: string };
  /** TCP ports listening in the container's network namespace */
  listening?: ListenFact[];
  /** AppArmor (CIS 5.2): the host kernel's module parameter, PID 1's profile as its attr file says */
  apparmor?: AppArmorFact;
  unavailable: Record<string, string>; // section -> reason
  complete: boolean; // the end marker was seen
}

export interface AppArmorFact {
  /** /sys/module/apparmor/parameters/enabled: "Y", "N", "absent" (no AppArmor in the kernel), "unreadable" */
  enabled: string;
  /** the attr file read (/proc/1/attr/apparmor/current, else /proc/1/attr/current) */
  file?: string;
  /** its text: "unconfined", "docker-default (enforce)", or "" when no LSM answers */
  current?: string;
  lines: string[];
}

export interface ListenFact {
  port: number;
  /** bound to 127.0.0.1 / ::1 only: no other container could reach it anyway */
  loopbackOnly: boolean;
}

/** One TCP connection attempted from inside the container (runtime/network-isolation). */
export interface ReachFact {
  /** ip:port */
  address: string;
  /** why it must not connect: another service it shares no network with, or the way out */
  why: { kind: "service"; service: string } | { kind: "egress" };
  outcome: "connected" | "refused" | "timeout" | "unreachable" | "error";
  detail: string;
}

export interface ReachFacts {
  command: string[];
  attempts: ReachFact[];
}

export interface TmpfsDecl {
  path: string;
  options: Record<string, string | true>; // uid, gid, mode, size, noexec, ...
  source: string; // the compose string or "volumes[n]"
}

/** What compose and the container config say the service should be. */
export interface DeclaredFacts {
  composeUser?: string;
  capAdd: string[]; // normalized, no CAP_ prefix
  tmpfs: TmpfsDecl[];
  volumes: Array<{ target: string; readOnly: boolean; type: string }>;
  memLimit?: number; // bytes
  pidsLimit?: number;
  healthcheck: boolean;
}

/** The `docker inspect` view of the container. */
export interface InspectFacts {
  id: string;
  name: string;
  image: string;
  configUser: string;
  capAdd: string[];
  capDrop: string[];
  readonlyRootfs: boolean;
  securityOpt: string[];
  privileged: boolean;
  /** HostConfig.PidMode: "" (its own), "host" or "container:<id>" (a shared PID namespace) */
  pidMode: string;
  memory: number;
  pidsLimit: number | null;
  status: string;
  exitCode?: number;
  service?: string; // label com.docker.compose.service
  oneoff?: boolean; // `docker compose run` containers
  mountPaths: string[]; // HostConfig.Tmpfs keys and Mounts destinations, as docker applied them
  health?: { status: string; lastOutput?: string; lastExit?: number };
  /** docker network name → the container's IPv4 address on it */
  networks: Record<string, string>;
  raw: Record<string, unknown>; // the HostConfig/Config fields above, as docker printed them
}

export interface ServiceFacts {
  service: string;
  container: string; // container name
  declared: DeclaredFacts;
  inspect: InspectFacts;
  gathered?: GatheredFacts;
  gatherError?: string; // why there are no gathered facts at all
  /** The connections tried from inside it; absent with `reachError` when none could be. */
  reach?: ReachFacts;
  reachError?: string;
  /** Capabilities a recorded exemption justifies (never what compose merely declares). */
  justified?: { caps: string[]; source: string };
}
