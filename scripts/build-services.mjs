#!/usr/bin/env node
// Bundles the api and worker into single ESM files that run under Debian's nodejs with no
// node_modules (DESIGN.md decision 3): services/api/dist/server.mjs, services/worker/dist/worker.mjs.
// Idempotent; prints one line per bundle. No sourcemaps (they would carry source and paths
// into the image for no runtime benefit).
import { build } from "esbuild";
import { statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
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

async function bundle({ name, entry, out }) {
  const started = performance.now();
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: out,
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
  const bytes = statSync(join(root, out)).size;
  const ms = Math.round(performance.now() - started);
  console.log(`build-services: ${name} -> ${relative(root, join(root, out))} ${(bytes / 1024).toFixed(0)} KiB in ${ms} ms`);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    for (const b of BUNDLES) await bundle(b);
  } catch (err) {
    // esbuild already printed the located errors (logLevel "error")
    console.error(`build-services: failed: ${String(err.message).split("\n")[0]}`);
    process.exit(1);
  }
}
