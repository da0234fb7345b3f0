// The hermetic toolbox every step runs in: node (verifier, bundler) plus the static docker
// CLI with its compose v2 and buildx plugins, copied from Docker's official CLI image.
import { dag, type Container, type Directory } from "@dagger.io/dagger";
import { BUNDLE, NPM_INSTALL } from "./commands.js";

export const NODE_IMAGE = "node:20-bookworm-slim";
export const DOCKER_CLI_IMAGE = "docker:27-cli";
export const WORKDIR = "/src";

export function toolbox(): Container {
  const cli = dag.container().from(DOCKER_CLI_IMAGE);
  return dag
    .container()
    .from(NODE_IMAGE)
    .withFile("/usr/local/bin/docker", cli.file("/usr/local/bin/docker"))
    .withDirectory("/usr/local/libexec/docker/cli-plugins", cli.directory("/usr/local/libexec/docker/cli-plugins"))
    .withMountedCache("/root/.npm", dag.cacheVolume("apex-npm"));
}

/** The repository at /src with its npm dependencies installed (npm's cache is a cache volume). */
export function workspace(source: Directory): Container {
  return toolbox()
    .withDirectory(WORKDIR, source)
    .withWorkdir(WORKDIR)
    .withExec(NPM_INSTALL);
}

/** The workspace after `node scripts/build-services.mjs`: api/worker bundles in services/<name>/dist. */
export function bundled(source: Directory): Container {
  return workspace(source).withExec(BUNDLE);
}
