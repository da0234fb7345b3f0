// The npm packages esbuild put into a service bundle, from its metafile (written by
// scripts/build-services.mjs): every input under node_modules names a package directory,
// whose package.json gives the version. Nested copies (a/node_modules/b) are their own
// entries: two versions of one package can both be in a bundle.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../../errors.ts";

export interface NpmPackage {
  name: string;
  version: string;
  /** The package directory relative to the build root, e.g. node_modules/fastify. */
  dir: string;
}

interface Metafile {
  inputs: Record<string, unknown>;
}

/** "node_modules/a/node_modules/@s/b/lib/x.js" → "node_modules/a/node_modules/@s/b". */
export function packageDir(input: string): string | undefined {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return m?.[1];
}

export function bundledPackages(metafileText: string, file: string, root: string): NpmPackage[] {
  let meta: Metafile;
  try {
    meta = JSON.parse(metafileText) as Metafile;
  } catch {
    throw new UsageError("not an esbuild metafile (invalid JSON)", file);
  }
  if (!meta || typeof meta.inputs !== "object") throw new UsageError("not an esbuild metafile (no inputs)", file);
  const dirs = new Set<string>();
  for (const input of Object.keys(meta.inputs)) {
    const d = packageDir(input);
    if (d) dirs.add(d);
  }
  const out: NpmPackage[] = [];
  for (const dir of dirs) {
    const pj = join(root, dir, "package.json");
    if (!existsSync(pj)) throw new UsageError(`bundled package ${dir} has no package.json under ${root} (rebuild the bundles)`, file);
    const { name, version } = JSON.parse(readFileSync(pj, "utf8")) as { name?: string; version?: string };
    if (!name || !version) throw new UsageError(`${pj} has no name or version`, file);
    out.push({ name, version, dir });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}
