// Read every source once and assemble the one PolicyModel: raw compose YAML, the resolved
// model (`docker compose config`), the Dockerfile each service builds and, optionally, the
// local image config. Bad input stops here with a one-line UsageError naming file:line.
import { declaredTmpfs } from "./tmpfs.ts";
import { serviceHostPaths } from "./hostpaths.ts";
import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { ComposeTarget } from "../docker.ts";
import { UsageError } from "../errors.ts";
import type { DockerfileModel, ImageConfig, PolicyModel, RawServiceFacts, ServiceModel, TmpfsMount, UserRef } from "../model.ts";
import { loadResolvedCompose, type ResolvedCompose, type ResolvedService } from "./compose.ts";
import { readRawCompose } from "./composeRaw.ts";
import { parseDockerfile, readDockerfile, resolveUser } from "./dockerfile.ts";
import { inspectImages } from "./image.ts";
import { shownPath } from "./paths.ts";

export interface LoadOptions {
  readImages: boolean;
  repoRoot: string;
  /** The resolved model, when the caller already has it. */
  resolved?: ResolvedCompose;
  /** Told the resolved model as soon as it is read. */
  onResolved?: (m: ResolvedCompose) => void;
}


function tmpfsMounts(svc: ResolvedService, raw: RawServiceFacts): TmpfsMount[] {
  return declaredTmpfs(svc).map(({ index, ...t }) => ({
    ...t,
    location: t.longSyntax ? raw.keys.volumes : raw.items.tmpfs?.length === svc.tmpfs?.length ? raw.items.tmpfs?.[index] : raw.keys.tmpfs,
  }));
}

function dockerfileOf(name: string, svc: ResolvedService, raw: RawServiceFacts, repoRoot: string): DockerfileModel | undefined {
  if (!svc.build) return undefined;
  const where = raw.keys.build ?? raw.location;
  // `dockerfile_inline:` is the Dockerfile itself, written in the compose file
  const inline = (svc.build as { dockerfile_inline?: string }).dockerfile_inline;
  if (inline !== undefined) return parseDockerfile(inline, `${where.file} (dockerfile_inline of ${name})`, svc.build.target);
  const df = svc.build.dockerfile ?? "Dockerfile";
  const path = isAbsolute(df) ? df : join(svc.build.context, df);
  const rel = shownPath(repoRoot, path);
  if (!existsSync(path)) throw new UsageError(`service "${name}": Dockerfile not found: ${rel}`, where.file, where.line);
  return readDockerfile(path, rel, svc.build.target);
}

/** Image USER: the local image's config when inspected, else the Dockerfile's last USER. */
function imageUserOf(df: DockerfileModel | undefined, image: ImageConfig | undefined): UserRef | undefined {
  if (image) {
    const u = image.user === "" ? "root" : image.user;
    return { ...resolveUser(u, df?.accounts ?? []), location: { file: `image ${image.ref}` } };
  }
  if (!df) return undefined;
  const from = df.instructions.find((i) => i.keyword === "FROM");
  return df.user ?? { raw: "root (no USER)", uid: 0, gid: 0, location: { file: df.file, line: from?.line } };
}

/** (Re)compute the users a service runs as from its Dockerfile, image and compose. */
export function deriveUsers(s: ServiceModel): ServiceModel {
  s.imageUser = imageUserOf(s.dockerfile, s.image);
  s.composeUser = s.resolved.user ? { ...resolveUser(s.resolved.user, s.dockerfile?.accounts ?? []), location: s.raw.keys.user } : undefined;
  return s;
}

export async function loadModel(target: ComposeTarget, opts: LoadOptions): Promise<PolicyModel> {
  const files = target.files.map((f) => resolve(f));
  const raw = readRawCompose(files, opts.repoRoot);
  // A run that already resolved the model (verify's setup) hands it in: compose resolves
  // each profile set once per run.
  const resolved = opts.resolved ?? (await loadResolvedCompose(target));
  opts.onResolved?.(resolved);
  const services: ServiceModel[] = [];
  const byImage = new Map<string, DockerfileModel>();
  for (const [name, svc] of Object.entries(resolved.services ?? {})) {
    const facts = raw.services[name] ?? { location: { file: shownPath(opts.repoRoot, files[0]!) }, mergesAnchor: false, keys: {}, items: {}, replaced: [] };
    const dockerfile = dockerfileOf(name, svc, facts, opts.repoRoot);
    if (dockerfile && svc.image) byImage.set(svc.image, dockerfile);
    services.push({ name, resolved: svc, raw: facts, dockerfile, tmpfs: tmpfsMounts(svc, facts), host: serviceHostPaths(svc, resolved, opts.repoRoot) });
  }
  // A service that runs another service's image (logical_backup runs postgres's) is
  // judged against the Dockerfile that builds it.
  for (const s of services) if (!s.dockerfile && s.resolved.image) s.dockerfile = byImage.get(s.resolved.image);
  const images = opts.readImages ? await inspectImages(services.map((s) => s.resolved.image).filter((i): i is string => !!i)) : new Map();
  for (const s of services) {
    s.image = s.resolved.image ? images.get(s.resolved.image) : undefined;
    deriveUsers(s);
  }
  return {
    repoRoot: opts.repoRoot,
    composeFiles: files.map((f) => shownPath(opts.repoRoot, f)),
    anchor: raw.anchor,
    declaredServices: Object.keys(raw.services),
    networks: (resolved.networks ?? {}) as Record<string, { internal?: boolean }>,
    services: services.sort((a, b) => a.name.localeCompare(b.name)),
  };
}
