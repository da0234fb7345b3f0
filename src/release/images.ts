// Which local images a release publishes, and whether they are still the ones verify ran.
// Pure functions over the resolved compose model and the report: no docker here.
import type { ResolvedCompose } from "../sources/compose.ts";
import type { ImageInfo, Report } from "../types.ts";
import { UsageError } from "../errors.ts";

export interface LocalImage {
  /** Repository name under the target registry: the last path segment of the local name. */
  name: string;
  /** Local reference, e.g. apex/postgres:local. */
  image: string;
}

/** "apex/postgres:local" → "postgres"; a registry port is not mistaken for a tag. */
export function repoName(image: string): string {
  const withoutDigest = image.split("@")[0];
  const last = withoutDigest.split("/").pop()!;
  return last.split(":")[0];
}

/** Every image compose builds (services with `build` and `image`), once each, sorted. */
export function releaseImages(model: ResolvedCompose): LocalImage[] {
  const byImage = new Map<string, LocalImage>();
  for (const svc of Object.values(model.services))
    if (svc.build && svc.image && !byImage.has(svc.image)) byImage.set(svc.image, { name: repoName(svc.image), image: svc.image });
  const list = [...byImage.values()].sort((a, b) => a.name.localeCompare(b.name));
  const seen = new Set<string>();
  for (const i of list) {
    if (seen.has(i.name)) throw new UsageError(`two images would be published as "${i.name}"`);
    seen.add(i.name);
  }
  return list;
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REGISTRY = /^[A-Za-z0-9.-]+(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

export function checkTarget(registry: string, tag: string): void {
  if (!REGISTRY.test(registry)) throw new UsageError(`--registry "${registry}" is not host[:port][/path] (lowercase path)`);
  if (!TAG.test(tag)) throw new UsageError(`--tag "${tag}" is not a valid image tag`);
}

/** May the release publish? Only a passing verify (exit 0 and status pass) opens the gate. */
export function gate(outcome: { report: Report; exitCode: number }): { ok: boolean; reason: string } {
  const { report, exitCode } = outcome;
  if (exitCode !== 0 || report.status !== "pass")
    return { ok: false, reason: `verify ${report.status} (exit ${exitCode}, ${report.summary.fail} failed check(s))` };
  return { ok: true, reason: "verify passed" };
}

/** Images whose local id differs from the id verify recorded: they are not what was verified. */
export function changedSinceVerify(verified: ImageInfo[] | undefined, localIds: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const v of verified ?? []) {
    const now = localIds.get(v.image);
    if (v.id && now && v.id !== now) changed.push(v.image);
  }
  return [...new Set(changed)];
}
