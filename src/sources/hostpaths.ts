// Where a service reaches into the host, as the host's file system resolves it: bind mounts,
// the build context and the files behind secrets and configs, each with its real path
// (symlinks followed: `./data -> /` is `/`). Gathered once with the rest of the model, so
// the rules that judge them stay pure.
import { realpathSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import type { ResolvedCompose, ResolvedService } from "./compose.ts";

export interface HostPath {
  /** as compose resolved it (absolute) */
  path: string;
  /** with every symlink followed; the path itself when it does not exist (yet) */
  real: string;
  /** inside the repository (by its real path) */
  inRepo: boolean;
}

export interface ServiceHostPaths {
  binds: Array<HostPath & { target: string }>;
  buildContext?: HostPath;
  /** build.ssh / build.secrets as declared (either hands the build host credentials) */
  buildHostAccess: string[];
  /** file secrets and configs the service uses */
  files: Array<HostPath & { kind: "secret" | "config"; name: string }>;
}

const real = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

export function hostPath(path: string, repoRoot: string): HostPath {
  const r = real(path);
  const rel = relative(real(repoRoot), r);
  return { path, real: r, inRepo: rel === "" || (!rel.startsWith("..") && !isAbsolute(rel)) };
}

type Refs = Array<string | { source: string }> | undefined;
const names = (refs: Refs) => (refs ?? []).map((r) => (typeof r === "string" ? r : r.source));

export function serviceHostPaths(svc: ResolvedService, model: ResolvedCompose, repoRoot: string): ServiceHostPaths {
  const binds = (svc.volumes ?? []).filter((v) => v.type === "bind" && v.source).map((v) => ({ ...hostPath(resolve(v.source!), repoRoot), target: v.target }));
  const b = svc.build as (ResolvedService["build"] & { ssh?: unknown; secrets?: unknown[] }) | undefined;
  const buildHostAccess = [
    ...(b?.ssh && (Array.isArray(b.ssh) ? b.ssh.length : Object.keys(b.ssh as object).length) ? [`build.ssh ${JSON.stringify(b.ssh)}`] : []),
    ...(b?.secrets?.length ? [`build.secrets ${JSON.stringify(names(b.secrets as Refs))}`] : []),
  ];
  const top = (kind: "secrets" | "configs") => (model[kind] ?? {}) as Record<string, { file?: string }>;
  const files = [
    ...names(svc.secrets as Refs).map((name) => ({ kind: "secret" as const, name, file: top("secrets")[name]?.file })),
    ...names(svc.configs as Refs).map((name) => ({ kind: "config" as const, name, file: top("configs")[name]?.file })),
  ].flatMap((f) => (f.file ? [{ ...hostPath(resolve(f.file), repoRoot), kind: f.kind, name: f.name }] : []));
  return { binds, buildContext: b?.context ? hostPath(resolve(b.context), repoRoot) : undefined, buildHostAccess, files };
}
