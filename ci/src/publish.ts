// Release: push the verified images, then the report beside them. The password stays a
// Secret end to end (withRegistryAuth); only the username is a plain string. One push at
// a time, the report last: a report in the registry means every image of it is there.
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

/** Publishes every image, then the (passing) report; returns "<registry>/<name>:<tag>@sha256:..." references. */
export async function publishAll(images: ServiceImage[], report: Directory, t: RegistryTarget): Promise<string[]> {
  const host = t.registry.split("/")[0];
  const push = (ctr: Container, name: string) =>
    ctr.withRegistryAuth(host, t.username, t.password).publish(`${t.registry}/${name}:${t.tag}`);
  const refs: string[] = [];
  for (const i of images) refs.push(await push(i.container, i.service));
  refs.push(await push(reportImage(report, "pass"), "report"));
  return refs;
}
