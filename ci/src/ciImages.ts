// The pipeline's own containers, built from this repository's ci/images/<name>/Dockerfile
// FROM BASE_IMAGE (the one image the pipeline needs): toolbox (node, npm, docker CLI with
// compose and buildx, git) and engine (Debian's dockerd with our cgroup-nesting entrypoint).
import type { Container, Directory } from "@dagger.io/dagger";
import { buildOn, type BaseImage } from "./base.js";

export type CiImage = "toolbox" | "engine";

export function ciImage(source: Directory, name: CiImage, baseImage: BaseImage): Promise<Container> {
  return buildOn(source.directory(`ci/images/${name}`), baseImage, `ci/images/${name}/Dockerfile`);
}
