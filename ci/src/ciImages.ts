// The pipeline's own containers, built from this repository's ci/images/<name>/Dockerfile
// FROM BASE_IMAGE (the one image the pipeline pulls): toolbox (node, npm, docker CLI with
// compose and buildx, git) and engine (Debian's dockerd with our cgroup-nesting entrypoint).
import type { Container, Directory } from "@dagger.io/dagger";

export type CiImage = "toolbox" | "engine";

export function ciImage(source: Directory, name: CiImage, baseImage: string): Container {
  return source.directory(`ci/images/${name}`).dockerBuild({
    dockerfile: "Dockerfile",
    buildArgs: [{ name: "BASE_IMAGE", value: baseImage }],
  });
}
