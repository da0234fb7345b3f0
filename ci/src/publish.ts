// Release: push the verified images, then (after signing, when a key is given) the report
// beside them. The password stays a Secret end to end (withRegistryAuth); only the username
// is a plain string. One push at a time, the report last: a report in the registry means
// every image of it is there, and attested when the release signs.
import { dag, type Container, type Directory, type Secret } from "@dagger.io/dagger";
import type { ServiceImage } from "./images.js";

export interface RegistryTarget {
  registry: string; // host[:port][/path]
  tag: string;
  username: string;
  password: Secret;
}

/** The report as an image: FROM scratch, files under /report, labelled like `apex release` labels it. */
export function reportImage(report: Directory, status: string): Container {
  return dag
    .container()
    .withRootfs(dag.directory().withDirectory("report", report))
    .withLabel("org.opencontainers.image.title", "apex verification report")
    .withLabel("io.apex.report.path", "/report")
    .withLabel("io.apex.report.status", status);
}

const push = (t: RegistryTarget, ctr: Container, name: string) =>
  ctr.withRegistryAuth(t.registry.split("/")[0], t.username, t.password).publish(`${t.registry}/${name}:${t.tag}`);

/** Publishes every image, one at a time; returns "<registry>/<name>:<tag>@sha256:..." references (from the push). */
export async function publishImages(images: ServiceImage[], t: RegistryTarget): Promise<string[]> {
  const refs: string[] = [];
  for (const i of images) refs.push(await push(t, i.container, i.service));
  return refs;
}

/** Publishes the (passing) report, last. */
export const publishReport = (report: Directory, t: RegistryTarget): Promise<string> => push(t, reportImage(report, "pass"), "report");
