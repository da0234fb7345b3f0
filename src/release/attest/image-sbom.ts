// Gathers what an image's SBOM lists: the dpkg database read out of the image, and, when the
// image's build context has a bundle metafile (services/<name>/bundle.meta.json), the npm
// packages esbuild bundled into it. The digest is the one the push returned.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bundledPackages, type NpmPackage } from "./bundle-packages.ts";
import { parseDpkgStatus } from "./dpkg.ts";
import { readImageFile } from "./image-files.ts";
import { buildSbom } from "./sbom.ts";

export const DPKG_STATUS = "/var/lib/dpkg/status";
export const BUNDLE_METAFILE = "bundle.meta.json";

export interface ImageSbomInput {
  image: string; // local reference
  repository: string;
  digest: string;
  /** The compose build context (absolute), where a bundle metafile may sit. */
  context?: string;
  /** Root the metafile's paths are relative to (the repository root). */
  root: string;
  toolVersion: string;
  timestamp?: Date;
}

export async function imageSbom(i: ImageSbomInput): Promise<string> {
  const status = await readImageFile(i.image, DPKG_STATUS);
  const debs = status ? parseDpkgStatus(status) : [];
  let npm: NpmPackage[] = [];
  const meta = i.context ? join(i.context, BUNDLE_METAFILE) : undefined;
  if (meta && existsSync(meta)) npm = bundledPackages(readFileSync(meta, "utf8"), meta, i.root);
  return buildSbom({ repository: i.repository, digest: i.digest, debs, npm, toolVersion: i.toolVersion, timestamp: i.timestamp ?? new Date() });
}
