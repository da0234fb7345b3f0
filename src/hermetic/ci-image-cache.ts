// The ci images are rebuilt only when what they are made of changes: a build is tagged
// apex/ci-<name>:cache-<digest of ci/images/<name>/** and the base image's id>, and a run
// uses (tags) that image when it exists. Without it every run rebuilt both images from
// apt-get up, because removing the run's tag also removed the classic builder's layers.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { CiImage } from "./topology.ts";

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The cache tag of ci/images/<name> built FROM the base image whose id is `baseId`. */
export function cacheTag(repoRoot: string, name: CiImage, baseId: string): string {
  const dir = join(repoRoot, "ci/images", name);
  const h = createHash("sha256").update(`base ${baseId}\n`);
  for (const f of filesUnder(dir)) h.update(`${relative(dir, f)}\n`).update(readFileSync(f)).update("\n");
  return `apex/ci-${name}:cache-${h.digest("hex").slice(0, 16)}`;
}
