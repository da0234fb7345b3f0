// Used by the Dagger module: in ONE exec, load every <service>.tar of a directory into the
// Docker endpoint (DOCKER_HOST), then run the command that uses them and exit with its
// status, so no exec ever depends on engine state another exec left behind.
// Usage: npx tsx src/release/load-and-run.ts <dir> -- <command...>
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { loadImages } from "./load-images.ts";

export function parseArgs(argv: string[]): { dir: string; command: string[] } | undefined {
  const sep = argv.indexOf("--");
  if (sep !== 1 || argv.length < 3) return undefined;
  return { dir: argv[0]!, command: argv.slice(2) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    process.stderr.write("usage: load-and-run.ts <dir of <service>.tar> -- <command...>\n");
    process.exit(2);
  }
  const names = await loadImages(args.dir, process.env.APEX_IMAGE_PREFIX || "apex", process.env.APEX_TAG || "local");
  process.stderr.write(`loaded ${names.join(" ")}\n`);
  const r = spawnSync(args.command[0]!, args.command.slice(1), { stdio: "inherit" });
  process.exit(r.status ?? 1);
}
