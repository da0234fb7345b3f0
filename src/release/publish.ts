// Push verified images and the report to a registry through the one docker runner.
// Every push is followed by reading the digest docker recorded for it (RepoDigests), so
// the printed references are content addresses: repo@sha256:...
import { docker, mustSucceed } from "../docker.ts";
import { UsageError } from "../errors.ts";
import type { Report } from "../types.ts";
import { changedSinceVerify, type LocalImage } from "./images.ts";

export interface Published {
  name: string;
  /** What was pushed: a local image, or the report directory. */
  source: string;
  /** registry/name:tag */
  tag: string;
  /** registry/name@sha256:... */
  reference: string;
}

export const REPORT_NAME = "report";
export const REPORT_LABELS: Record<string, string> = {
  "org.opencontainers.image.title": "apex verification report",
  "io.apex.report.path": "/report",
};

export async function imageId(image: string): Promise<string | undefined> {
  const r = await docker(["image", "inspect", "--format", "{{.Id}}", image]);
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** The images that are not what verify saw: each one's local id against the report's. A
 *  missing image is a usage error ending with `hint` (what the caller should do). */
export async function changedLocally(report: Report, images: string[], hint: string): Promise<string[]> {
  const ids = new Map<string, string>();
  for (const image of images) {
    const id = await imageId(image);
    if (!id) throw new UsageError(`image ${image} not found locally${hint}`);
    ids.set(image, id);
  }
  return changedSinceVerify(report.images, ids);
}

/** The digest reference docker recorded for `repo` after a push or pull. */
export async function digestOf(tagRef: string): Promise<string> {
  const repo = tagRef.slice(0, tagRef.lastIndexOf(":"));
  const r = mustSucceed(await docker(["image", "inspect", "--format", "{{json .RepoDigests}}", tagRef]), `docker image inspect ${tagRef}`);
  const found = (JSON.parse(r.stdout) as string[]).find((d) => d.startsWith(`${repo}@sha256:`));
  if (!found) throw new Error(`no digest recorded for ${tagRef} after push`);
  return found;
}

async function push(tagRef: string): Promise<string> {
  mustSucceed(await docker(["push", tagRef]), `docker push ${tagRef}`);
  return digestOf(tagRef);
}

/** The report as an image: FROM scratch, the report files under /report, labelled. */
export async function buildReportImage(reportDir: string, tagRef: string, status: string): Promise<void> {
  const labels = { ...REPORT_LABELS, "io.apex.report.status": status };
  const args = ["build", "--quiet", "-t", tagRef, "-f", "-"];
  for (const [k, v] of Object.entries(labels)) args.push("--label", `${k}=${v}`);
  mustSucceed(await docker([...args, reportDir], { input: "FROM scratch\nCOPY . /report/\n" }), "building the report image");
}

export interface PublishOptions {
  registry: string;
  tag: string;
  images: LocalImage[];
  reportDir: string;
  reportStatus: string;
}

/** Tags and pushes every image, then the report image; returns what was published. */
export async function publish(o: PublishOptions): Promise<Published[]> {
  const out: Published[] = [];
  for (const img of o.images) {
    const tagRef = `${o.registry}/${img.name}:${o.tag}`;
    mustSucceed(await docker(["tag", img.image, tagRef]), `docker tag ${img.image}`);
    out.push({ name: img.name, source: img.image, tag: tagRef, reference: await push(tagRef) });
  }
  const reportRef = `${o.registry}/${REPORT_NAME}:${o.tag}`;
  await buildReportImage(o.reportDir, reportRef, o.reportStatus);
  out.push({ name: REPORT_NAME, source: o.reportDir, tag: reportRef, reference: await push(reportRef) });
  return out;
}
