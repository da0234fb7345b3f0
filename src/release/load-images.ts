// Used by the Dagger module: loads every <service>.tar of a directory (Container.asTarball)
// into the Docker endpoint (DOCKER_HOST) and tags it as compose names it:
// ${APEX_IMAGE_PREFIX:-apex}/<service>:${APEX_TAG:-local}.
// Usage: npx tsx src/release/load-images.ts <dir>
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { docker, mustSucceed } from "../docker.ts";

/** "Loaded image ID: sha256:…" (OCI tarballs) or "Loaded image: name:tag" (docker save). */
export function loadedRef(stdout: string): string | undefined {
  const lines = stdout.trim().split("\n").reverse();
  for (const l of lines) {
    const m = /^Loaded image(?: ID)?: (\S+)$/.exec(l.trim());
    if (m) return m[1];
  }
  return undefined;
}

export async function loadImages(dir: string, prefix = "apex", tag = "local"): Promise<string[]> {
  const tagged: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".tar")).sort()) {
    const r = mustSucceed(await docker(["load", "-i", join(dir, file)]), `docker load ${file}`);
    const ref = loadedRef(r.stdout);
    if (!ref) throw new Error(`docker load ${file}: no image reported`);
    const name = `${prefix}/${basename(file, ".tar")}:${tag}`;
    mustSucceed(await docker(["tag", ref, name]), `docker tag ${name}`);
    tagged.push(name);
  }
  return tagged;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write("usage: load-images.ts <dir of <service>.tar>\n");
    process.exit(2);
  }
  const names = await loadImages(dir, process.env.APEX_IMAGE_PREFIX || "apex", process.env.APEX_TAG || "local");
  process.stdout.write(`loaded ${names.join(" ")}\n`);
}
