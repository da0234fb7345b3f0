#!/usr/bin/env node
// Bundles the api and worker into single ESM files that run under Debian's nodejs with no
// node_modules (DESIGN.md decision 3): services/api/dist/server.mjs, services/worker/dist/worker.mjs.
// Idempotent; prints one line per bundle. No sourcemaps (they would carry source and paths
// into the image for no runtime benefit). Beside each service's dist/ (not in it: the image
// copies dist/) goes esbuild's metafile, services/<name>/bundle.meta.json: which npm
// packages went into the bundle, for the release's SBOM (src/release/attest/bundle-packages.ts).
//   node scripts/build-services.mjs [--out-dir DIR]   (DIR gets <name>.meta.json too)
import { build } from "esbuild";
import { statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export const BUNDLES = [
  { name: "api", entry: "services/api/src/server.ts", out: "services/api/dist/server.mjs" },
  { name: "worker", entry: "services/worker/src/worker.ts", out: "services/worker/dist/worker.mjs" },
];

// CJS dependencies call require() for node builtins; an ESM bundle has none, so give it one.
const banner = [
  'import { createRequire as __apexCreateRequire } from "node:module";',
  "const require = __apexCreateRequire(import.meta.url);",
].join("\n");

// Optional requires that are never taken at runtime: pg's native binding, the Cloudflare
// socket shim, and typescript, which cosmiconfig (graphile-worker's config search) loads
// only for a *.ts config file, which the image never has. Bundling it would add 9 MB.
const external = ["pg-native", "cloudflare:sockets", "typescript"];

/** Where the metafile of a bundle goes: beside dist/ in the tree, beside the bundle elsewhere. */
export function metafilePath({ name, out }, outfile) {
  return outfile === join(root, out) ? join(root, dirname(dirname(out)), "bundle.meta.json") : join(dirname(outfile), `${name}.meta.json`);
}

/** Bundles one service; `outfile` defaults to its place in the tree (tests pass a temp path). */
export async function bundle({ name, entry, out }, outfile = join(root, out)) {
  const started = performance.now();
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node18",
    format: "esm",
    banner: { js: banner },
    external,
    minify: false,
    sourcemap: false,
    legalComments: "none",
    logLevel: "error",
    metafile: true,
  });
  writeFileSync(metafilePath({ name, out }, outfile), JSON.stringify(result.metafile));
  const bytes = statSync(outfile).size;
  const ms = Math.round(performance.now() - started);
  const shown = relative(root, outfile).startsWith("..") ? outfile : relative(root, outfile);
  return `build-services: ${name} -> ${shown} ${(bytes / 1024).toFixed(0)} KiB in ${ms} ms`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    // --out-dir DIR: put both bundles in DIR instead (tests; the tree stays untouched)
    const i = process.argv.indexOf("--out-dir");
    const outDir = i > 0 ? process.argv[i + 1] : undefined;
    if (i > 0 && !outDir) throw new Error("--out-dir needs a directory");
    for (const b of BUNDLES) console.log(await bundle(b, outDir ? join(resolve(outDir), basename(b.out)) : undefined));
  } catch (err) {
    // esbuild already printed the located errors (logLevel "error")
    console.error(`build-services: failed: ${String(err.message).split("\n")[0]}`);
    process.exit(1);
  }
}
