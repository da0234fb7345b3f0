// The toolbox every step runs in: ci/images/toolbox (Debian's node, npm, docker CLI with
// compose v2 and buildx, git), built from this repository. No image but BASE_IMAGE is pulled.
import { dag, type Container, type Directory } from "@dagger.io/dagger";
import type { BaseImage } from "./base.js";
import { ciImage } from "./ciImages.js";
import { BUNDLE, NPM_INSTALL, NPM_MANIFESTS } from "./commands.js";

export const WORKDIR = "/src";

export async function toolbox(source: Directory, baseImage: BaseImage): Promise<Container> {
  return (await ciImage(source, "toolbox", baseImage))
    // root in the pipeline: scripts/secrets.sh hands each service its own copy (chown)
    .withUser("0:0")
    .withEnvVariable("HOME", "/root")
    .withMountedCache("/root/.npm", dag.cacheVolume("apex-npm"));
}

/** The repository at /src with its npm dependencies installed: the install sees only the
 *  manifests (a README edit does not re-run it), then the whole source, .git included. */
export async function workspace(source: Directory, baseImage: BaseImage): Promise<Container> {
  return (await toolbox(source, baseImage))
    .withWorkdir(WORKDIR)
    .withDirectory(WORKDIR, source, { include: NPM_MANIFESTS })
    .withExec(NPM_INSTALL)
    .withDirectory(WORKDIR, source, { exclude: ["node_modules"] });
}

/** A workspace after `node scripts/build-services.mjs`: api/worker bundles in services/<name>/dist. */
export const bundle = (ws: Container): Container => ws.withExec(BUNDLE);

export async function bundled(source: Directory, baseImage: BaseImage): Promise<Container> {
  return bundle(await workspace(source, baseImage));
}
