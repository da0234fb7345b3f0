// The one model every static rule reads (goss style: gathering facts is kept apart from
// judging them). sources/load.ts fills it once from compose (raw YAML + resolved model),
// the Dockerfiles and, when present, local image config; rules/ are pure functions of it.
import type { ResolvedService } from "./sources/compose.ts";
import type { ServiceHostPaths } from "./sources/hostpaths.ts";
import type { CheckMeta, Evidence, Location } from "./types.ts";

/** A user as written (`1000:1000`, `postgres`) and, where knowable, its numeric ids. */
export interface UserRef {
  raw: string;
  uid?: number;
  gid?: number;
  /** Where it was declared (Dockerfile USER line, compose `user:` line, image config). */
  location?: Location;
}

/** One parsed Dockerfile instruction of the stage chain that makes the final image. */
export interface DfInstruction {
  keyword: string; // upper-case: RUN, COPY, USER...
  line: number; // 1-based
  args: string[];
  flags: Record<string, string | null>; // --chown=1000:1000 → { chown: "1000:1000" }
  text: string; // the instruction as written (continuations joined)
  /** RUN only: its simple commands, tokenised once when the Dockerfile is read. */
  commands?: string[][];
}

/** A `RUN` that creates an account: `useradd -u 1000 -g 1000 -l app` and friends. */
export interface AccountDecl {
  kind: "user" | "group";
  name: string;
  id?: number;
  gid?: number; // useradd -g <numeric>
  noLogInit: boolean; // useradd -l / --no-log-init (hadolint DL3046)
  line: number;
}

/** `chown owner paths` / `install -d -o -g` seen in a RUN: who owns which directory. */
export interface OwnershipDecl {
  owner: string; // "1000:1000", "app:app", "1000"
  paths: string[];
  recursive: boolean;
  line: number;
}

export interface DockerfileModel {
  file: string; // repo-relative
  /** Instructions of the final image's stage chain (parent stages first), in order. */
  instructions: DfInstruction[];
  /** The last USER of the chain, resolved through declared accounts where possible. */
  user?: UserRef;
  accounts: AccountDecl[];
  ownership: OwnershipDecl[];
}

/** What `docker image inspect` says, when the image exists locally. */
export interface ImageConfig {
  ref: string;
  id: string;
  user: string; // Config.User ("" = root)
  workingDir: string;
}

/** A tmpfs mount of a service, from either compose syntax. */
export interface TmpfsMount {
  target: string;
  options: Record<string, string | true>; // uid=1000 → "1000"; noexec → true
  longSyntax: boolean; // `volumes: - type: tmpfs` (cannot set uid/gid, compose-spec #278)
  raw: string;
  location?: Location;
}

/** A list the anchor declares and the service declares again (YAML merge replaces lists). */
export interface ReplacedList {
  key: string;
  anchorItems: string[];
  ownItems: string[];
  missing: string[]; // anchor items the service's own list silently dropped
  location: Location;
}

/** What the raw YAML says about one service (resolution hides these facts). */
export interface RawServiceFacts {
  location: Location; // the service's key in the first file that defines it
  mergesAnchor: boolean;
  /** key → where the service (or, through the merge, the anchor) declares it. */
  keys: Record<string, Location>;
  /** key → one location per list item, e.g. each tmpfs entry. */
  items: Record<string, Location[]>;
  replaced: ReplacedList[];
}

export interface ServiceModel {
  name: string;
  resolved: ResolvedService;
  raw: RawServiceFacts;
  dockerfile?: DockerfileModel;
  image?: ImageConfig;
  /** Image USER: image config when inspected, else the Dockerfile's last USER. */
  imageUser?: UserRef;
  /** compose `user:`, overriding the image USER at run time. */
  composeUser?: UserRef;
  tmpfs: TmpfsMount[];
  /** Where it reaches into the host (bind mounts, build context, secret/config files), real paths included. */
  host: ServiceHostPaths;
}

export interface PolicyModel {
  repoRoot: string;
  composeFiles: string[]; // repo-relative
  anchor?: { name: string; location: Location };
  /** Every service named in any compose file, all profiles included (exemptions may name them). */
  declaredServices: string[];
  services: ServiceModel[];
  /** Top-level networks as compose resolved them (internal: no route out). */
  networks: Record<string, { internal?: boolean }>;
}

/** What a rule says about one service. */
export type Outcome =
  | { status: "pass"; message: string; evidence?: Evidence[] }
  | { status: "skip"; message: string }
  | { status: "fail"; findings: Finding[] };

export interface Finding {
  message: string;
  location?: Location;
  evidence: Evidence;
}

/** A static rule: documentation plus a pure, synchronous check of one service. */
export interface Rule extends CheckMeta {
  kind: "static";
  check(service: ServiceModel, model: PolicyModel): Outcome;
}

export const pass = (message: string, evidence?: Evidence[]): Outcome => ({ status: "pass", message, evidence });
export const skip = (message: string): Outcome => ({ status: "skip", message });
export const fail = (findings: Finding[]): Outcome => ({ status: "fail", findings });
/** pass when nothing was found, fail otherwise. */
export const verdict = (findings: Finding[], passMessage: string): Outcome =>
  findings.length ? fail(findings) : pass(passMessage);

/** Where a service declares `key` (itself, or the anchor it merges), else the service. */
export const keyLocation = (s: ServiceModel, key: string): Location => s.raw.keys[key] ?? s.raw.location;

/** The user the service's processes run as: compose `user:` wins over the image USER. */
export const effectiveUser = (s: ServiceModel): UserRef | undefined => s.composeUser ?? s.imageUser;

/** Same uid (and gid, where both sides know it). Unknown ids compare as written. */
export function sameUser(a: UserRef, b: { raw: string; uid?: number; gid?: number }): boolean {
  if (a.uid === undefined || b.uid === undefined) return a.raw.trim() === b.raw.trim();
  if (a.uid !== b.uid) return false;
  return a.gid === undefined || b.gid === undefined || a.gid === b.gid;
}

export const describeUser = (u: UserRef): string =>
  u.uid !== undefined ? `${u.raw} (uid ${u.uid}${u.gid !== undefined ? `, gid ${u.gid}` : ""})` : u.raw;

/** Dockerfile rules skip services that run an image no Dockerfile here builds (pghero). */
export function withDockerfile(s: ServiceModel, judge: (df: DockerfileModel) => Outcome): Outcome {
  return s.dockerfile ? judge(s.dockerfile) : skip(`no Dockerfile builds ${s.resolved.image ?? "its image"} (upstream image)`);
}

export const dfLocation = (df: DockerfileModel, line?: number): Location => ({ file: df.file, line });
