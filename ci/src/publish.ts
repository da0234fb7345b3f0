// Release: push the verified images and the report beside them. The password stays a
// Secret end to end (withRegistryAuth); only the username is a plain string.
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

/** Publishes every image and the (passing) report; returns "<registry>/<name>:<tag>@sha256:..." references. */
export async function publishAll(images: ServiceImage[], report: Directory, t: RegistryTarget): Promise<string[]> {
  const host = t.registry.split("/")[0];
  const push = (ctr: Container, name: string) =>
    ctr.withRegistryAuth(host, t.username, t.password).publish(`${t.registry}/${name}:${t.tag}`);
  return Promise.all([...images.map((i) => push(i.container, i.service)), push(reportImage(report, "pass"), "report")]);
}
