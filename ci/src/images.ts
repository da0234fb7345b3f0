// Every image comes from its Dockerfile (DESIGN.md decision 1): services/<name>/Dockerfile,
// built with the service folder as context, exactly as compose builds it. api and worker
// copy the host-built bundle (services/*/dist), so the bundler runs first.
import type { Container, Directory } from "@dagger.io/dagger";
import { buildOn, type BaseImage } from "./base.js";
import { bundled, WORKDIR } from "./toolbox.js";

export const DEFAULT_BASE_IMAGE = "debian:trixie-slim";

export interface ServiceImage {
  service: string;
  container: Container;
}

/** The repository plus services/<name>/dist and nothing else (no node_modules in build contexts). */
export async function withBundles(source: Directory, baseImage: BaseImage): Promise<Directory> {
  const services = (await bundled(source, baseImage)).directory(`${WORKDIR}/services`);
  return source.withDirectory("services", services, { include: ["*/dist/**"] });
}

/** Services that have an image of their own: the folders holding a Dockerfile. */
export async function serviceNames(source: Directory): Promise<string[]> {
  const dockerfiles = await source.glob("services/*/Dockerfile");
  return dockerfiles.map((f) => f.split("/")[1]).sort();
}

/** One lazily built image per service, each on the base image. */
export async function buildImages(source: Directory, baseImage: BaseImage): Promise<ServiceImage[]> {
  const context = await withBundles(source, baseImage);
  const names = await serviceNames(source);
  return Promise.all(names.map(async (service) => ({ service, container: await buildOn(context.directory(`services/${service}`), baseImage, `services/${service}/Dockerfile`) })));
}
